/**
 * What the daemon and one radio process say to each other over Node's IPC channel (advanced
 * serialization, so bytes travel as `Uint8Array` without hex). Both ends are this codebase
 * and the channel never leaves the machine, so the shapes are TypeScript types, not a zod
 * contract: validating every notification twice would only cost time on the sensor path.
 */
import type { BleAdapterConfig } from '../../../config/index.js';

/** How the parent tells the child which radio it drives (argv[2], JSON). */
export interface RadioChildOptions {
  radio: BleAdapterConfig;
  /** Give up on a radio that is not powered on after this long. */
  poweredOnTimeoutMs: number;
}

/** A peripheral as the child saw it advertise. */
export interface AdvertSnapshot {
  id: string;
  address: string;
  rssi: number;
  name?: string;
  services: string[];
}

export interface CharacteristicSnapshot {
  uuid: string;
  properties: string[];
}

export type RadioRequest =
  | { op: 'scan' }
  | { op: 'stopScan' }
  | { op: 'connect'; id: string }
  | { op: 'disconnect'; id: string }
  | { op: 'discover'; id: string; services: string[]; characteristics: string[] }
  | { op: 'read'; id: string; char: string }
  | { op: 'write'; id: string; char: string; data: Uint8Array; withoutResponse: boolean }
  | { op: 'subscribe'; id: string; char: string }
  | { op: 'unsubscribe'; id: string; char: string }
  | { op: 'rssi'; id: string }
  | { op: 'close' };

/** Parent → child: a request with its number; the child answers each with one `reply`. */
export type ToRadio = RadioRequest & { seq: number };

/**
 * Why a radio is not (or no longer) usable. `permanent`: retrying cannot help (the binding
 * does not load); anything else is worth another try (a dongle may be plugged in later).
 */
export interface RadioProblem {
  detail: string;
  permanent: boolean;
}

/** Child → parent. */
export type FromRadio =
  | { type: 'reply'; seq: number; ok: true; value?: unknown }
  | { type: 'reply'; seq: number; ok: false; error: string }
  | { type: 'up'; address: string }
  | { type: 'down'; problem: RadioProblem }
  | { type: 'discover'; p: AdvertSnapshot }
  | { type: 'data'; id: string; char: string; data: Uint8Array }
  | { type: 'disconnect'; id: string; reason: string };
