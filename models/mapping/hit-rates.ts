/**
 * How often a movement rule fires on real wrist data: accelerometer blocks (interleaved x y z,
 * in g) run through the rule's scaling exactly as the engine runs them, one state per
 * recording, and counted as fires per minute. Calibrates the default `hit` threshold.
 */
import type { MappingRule } from '../../config/mapping.js';
import { peakMovement } from '../features/block-movement.js';
import { HMP_RATE_HZ, type Recording } from '../patterns/hmp.js';
import { freshState, step } from './scale.js';

/** One wearable's accelerometer as the box receives it: a block every `blockMs`. */
export interface BlockStream {
  blockMs: number;
  blocks: Float32Array[];
}

/** Fires per minute over the streams, each with its own state (as each dancer has). */
export function firesPerMinute(streams: readonly BlockStream[], scale: MappingRule['scale']): number {
  let fires = 0;
  let ms = 0;
  for (const s of streams) {
    const state = freshState();
    s.blocks.forEach((block, i) => {
      if (step(state, peakMovement(block), i * s.blockMs, scale, false).kind === 'fire') fires++;
    });
    ms += s.blocks.length * s.blockMs;
  }
  return ms === 0 ? 0 : fires / (ms / 60_000);
}

/** HMP recordings cut into blocks of `blockMs` (the simulator's 200 ms by default), by gesture. */
export function hmpStreams(recordings: readonly Recording[], blockMs = 200): Map<string, BlockStream[]> {
  const per = Math.max(1, Math.round((HMP_RATE_HZ * blockMs) / 1000)) * 3;
  const out = new Map<string, BlockStream[]>();
  for (const r of recordings) {
    const blocks: Float32Array[] = [];
    for (let i = 0; i + per <= r.xyz.length; i += per) blocks.push(r.xyz.subarray(i, i + per));
    const list = out.get(r.gesture) ?? [];
    list.push({ blockMs: (per / 3 / HMP_RATE_HZ) * 1000, blocks });
    out.set(r.gesture, list);
  }
  return out;
}
