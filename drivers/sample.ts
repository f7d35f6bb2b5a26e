/**
 * What drivers put on the bus. Every sample carries the host receive time (wall-clock ms)
 * and its index in the device's stream, so gaps and reordering can be seen downstream.
 */

/** Low-rate values, stored one row each. */
export type ScalarSample =
  | {
      kind: 'heart_rate';
      deviceKey: string;
      receivedAt: number;
      index: number;
      bpm: number;
      rr1024: number[];
      contact?: boolean;
      energyKj?: number;
    }
  | { kind: 'eda'; deviceKey: string; receivedAt: number; index: number; microsiemens: number }
  | { kind: 'skin_temp'; deviceKey: string; receivedAt: number; index: number; celsius: number }
  | { kind: 'battery'; deviceKey: string; receivedAt: number; index: number; percent: number };

/** Names of high-rate streams; each is stored as ~1 s chunks, never a row per sample. */
export type RawStream = 'acc' | 'gyro' | 'ppg' | 'ecg';

/**
 * A block of consecutive high-rate samples as one device notification delivers them,
 * interleaved by channel (x0 y0 z0 x1 y1 z1 ...). Units: acc in g, gyro deg/s, ecg µV.
 */
export interface RawBlock {
  kind: 'raw';
  deviceKey: string;
  stream: RawStream;
  receivedAt: number;
  /** Index of the block's first sample in the device's stream. */
  firstIndex: number;
  /** Host time (wall-clock ms) of the first sample, mapped from the device clock. */
  startedAt: number;
  rateHz: number;
  channels: number;
  values: Float32Array;
}

export type Sample = ScalarSample | RawBlock;

/** What a driver announces when it finds (or is told about) a device. */
export interface DeviceInfo {
  key: string;
  kind: 'wearable' | 'haptic_controller';
  transport: 'ble' | 'serial' | 'firmata' | 'sim' | 'replay';
  model: string;
  name: string;
}
