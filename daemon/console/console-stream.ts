/**
 * The console's live events for one open page: every crowd state, the chosen dancer's heart
 * rate, skin conductance, movement and arousal, and a log of detections and cues. Samples of
 * other dancers are dropped at the first comparison, so an open console costs little even
 * with a full floor.
 */
import { movementOf } from '../../models/features/block-movement.js';
import { SCALAR_SIGNALS, valueOf, type Sample, type ScalarSignalSpec } from '../../config/signals.js';
import type { ConsoleStreamEvents } from './contracts.js';
import type { ConsoleFeed } from './feed.js';

export type Send = <K extends keyof ConsoleStreamEvents>(event: K, data: ConsoleStreamEvents[K]) => void;

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Subscribes one console to the bus; returns the unsubscribe. `device` may become undefined while open (consent withdrawn). */
export function streamConsole(feed: ConsoleFeed, device: () => string | undefined, send: Send): () => void {
  const vitals = (s: Sample): void => {
    if (s.deviceKey !== device()) return;
    if (s.kind === 'raw') {
      if (s.stream !== 'acc') return;
      const m = movementOf(s.values, s.channels);
      if (m !== undefined) send('vitals', { at: s.startedAt, device: s.deviceKey, movement: round(m, 4) });
      return;
    }
    const shown = (SCALAR_SIGNALS[s.kind] as ScalarSignalSpec).console;
    if (!shown) return;
    const v = valueOf(s);
    send('vitals', {
      at: s.receivedAt,
      device: s.deviceKey,
      [shown.field]: shown.digits === undefined ? v : round(v, shown.digits),
    });
  };
  const offs = [
    feed.bus.on('sample', vitals),
    feed.bus.on('crowd', (c) =>
      send('crowd', {
        at: c.at,
        active: c.activeDancers,
        energy: c.energy,
        arousal: c.arousal?.mean ?? null,
        beat_synchrony: c.beatSynchrony,
        inter_synchrony: c.interSynchrony,
      }),
    ),
    feed.bus.on('inference', (r) => {
      if (r.deviceKey === device() && r.model.startsWith('arousal'))
        send('vitals', { at: r.at, device: r.deviceKey, arousal: round(r.value, 4) });
    }),
    feed.bus.on('pattern', (p) =>
      send('log', {
        at: Date.now(),
        kind: 'pattern',
        text: `${p.name} on ${p.deviceKey} (${Math.round(p.confidence * 100)} %)`,
      }),
    ),
    feed.bus.on('mapping', (m) =>
      send('log', {
        at: Date.now(),
        kind: 'mapping',
        text: `mapping: sound ${m.active.sound ?? 'none'}, visualization ${m.active.visualization ?? 'none'}, ${m.rules} rules`,
      }),
    ),
    feed.bus.on('cue', (c) => {
      // The per-count cues would drown the log: each move (by its id) and the end only.
      if (c.name === 'choreo.move' || c.name.startsWith('choreo.count.') || c.name.startsWith('choreo.hold.')) return;
      send('log', { at: c.at ?? Date.now(), kind: 'cue', text: c.name });
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
