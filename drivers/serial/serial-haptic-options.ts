/** What a serial haptic controller is configured with, and the defaults the simulator and tests use. */
import type { BackoffLimits } from '../backoff.js';

export interface SerialHapticOptions {
  /** Controller name; its health id is `haptic:<name>`. */
  name: string;
  path: string;
  baudRate: number;
  /** Channels assumed until the controller's hello says otherwise. */
  channels: number;
  ackTimeoutMs: number;
  retries: number;
  heartbeatMs: number;
  deadlineMs: number;
  maxQueued: number;
  reopen: BackoffLimits;
}

export const serialHapticDefaults = {
  baudRate: 115_200,
  channels: 8,
  ackTimeoutMs: 50,
  retries: 3,
  heartbeatMs: 1000,
  deadlineMs: 500,
  maxQueued: 64,
  reopen: { initialMs: 100, maxMs: 1000, factor: 2 },
} satisfies Omit<SerialHapticOptions, 'name' | 'path'>;
