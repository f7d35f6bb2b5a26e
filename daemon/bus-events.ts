/**
 * What travels on the bus besides raw samples: model outputs, crowd states, pattern detections
 * and the room's output events. The bus owns these shapes; the store's row writer maps them
 * to its tables.
 */
/** One model output for one dancer's device (arousal), with the inputs it was given. */
export interface InferenceRow {
  deviceKey: string;
  at: number;
  model: string;
  value: number;
  inputs: number[];
}

/** The whole floor at one moment (models/crowd/crowd-state.ts computes it). */
export type { CrowdRow } from '../models/crowd/crowd-state.js';

export interface DetectionRow {
  deviceKey: string;
  patternId: number;
  at: number;
  confidence: number;
}

/** A sound or visualization event a mapping rule made (the platform's output records). */
export interface OutputEventRow {
  kind: 'sound' | 'visualization';
  eventId: number | null;
  at: number;
  type: string;
  intensity: number | null;
  durationMs: number | null;
  parameters: Record<string, unknown>;
}
