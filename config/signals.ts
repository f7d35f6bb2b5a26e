/**
 * Every signal a wearable delivers, declared once, and the samples drivers put on the bus.
 * The store, the consent gate, the mapping rules, the console, retention and the sync
 * contract read the registry; nothing else names a signal by hand. Adding one is an entry
 * here plus the parser that produces its samples (see drivers/README.md, "Adding a signal").
 *
 * Every sample carries the host receive time (wall-clock ms) and its index in the device's
 * stream, so gaps and reordering can be seen downstream.
 */

/** Whose consent a signal needs: biometrics are a special category of personal data; movement is not. */
export type ConsentClass = 'biometrics' | 'movement' | 'none';

/** The `biometric_data` columns a scalar signal may be stored in, one row per sample. */
export type BiometricColumn = 'heart_rate' | 'gsr_us' | 'skin_temp_c';

export interface ScalarSignalSpec {
  label: string;
  unit: string;
  /** A typical wearable's rate. */
  rateHz: number;
  consent: ConsentClass;
  /**
   * Where the box keeps it: a `biometric_data` column (synced with the `features` class), the
   * device's own row (status, not data), or ~1 s `stream_chunks` of one channel named after the
   * signal (synced with the `raw` class; what a new signal gets without a migration).
   */
  store: { column: BiometricColumn } | 'device' | 'chunks';
  /** The dashboard's stream name for it. */
  stream: string;
  /** The `dancer` source a mapping rule names it by, when rules may use it. */
  mapping?: string;
  /** What the value usually spans: the OSCQuery `RANGE` of a rule that passes it unscaled. */
  range: readonly [number, number];
  /** Shown on the console's dancer panel (rounded to `digits` when given). */
  console?: { field: 'hr' | 'eda'; digits?: number };
}

export const SCALAR_SIGNALS = {
  heart_rate: {
    label: 'heart rate',
    unit: 'bpm',
    rateHz: 1,
    consent: 'biometrics',
    store: { column: 'heart_rate' },
    stream: 'hr',
    mapping: 'hr',
    range: [40, 200],
    console: { field: 'hr' },
  },
  eda: {
    label: 'skin conductance (EDA)',
    unit: 'µS',
    rateHz: 4,
    consent: 'biometrics',
    store: { column: 'gsr_us' },
    stream: 'eda',
    mapping: 'eda',
    range: [0, 20],
    console: { field: 'eda', digits: 3 },
  },
  skin_temp: {
    label: 'skin temperature',
    unit: '°C',
    rateHz: 4,
    consent: 'biometrics',
    store: { column: 'skin_temp_c' },
    stream: 'temp',
    mapping: 'skin_temp',
    range: [28, 38],
  },
  battery: {
    label: 'battery',
    unit: '%',
    rateHz: 1 / 60,
    consent: 'none',
    store: 'device',
    stream: 'battery',
    range: [0, 100],
  },
} as const satisfies Record<string, ScalarSignalSpec>;

export interface RawStreamSpec {
  label: string;
  /** Unit of each value (per channel). */
  unit: string;
  channels: number;
  /** A typical wearable's rate. */
  rateHz: number;
  consent: ConsentClass;
  /** Days the box keeps its chunks by default (`retention.days.<stream>`). */
  retentionDays: number;
}

/** High-rate streams: each is stored as ~1 s chunks, never a row per sample. */
export const RAW_STREAMS = {
  acc: { label: 'accelerometer', unit: 'g', channels: 3, rateHz: 50, consent: 'movement', retentionDays: 30 },
  gyro: { label: 'gyroscope', unit: 'deg/s', channels: 3, rateHz: 52, consent: 'movement', retentionDays: 30 },
  ppg: { label: 'photoplethysmogram', unit: 'raw', channels: 4, rateHz: 135, consent: 'biometrics', retentionDays: 30 },
  ecg: { label: 'electrocardiogram', unit: 'µV', channels: 1, rateHz: 130, consent: 'biometrics', retentionDays: 30 },
} as const satisfies Record<string, RawStreamSpec>;

export type ScalarSignal = keyof typeof SCALAR_SIGNALS;
export type RawStream = keyof typeof RAW_STREAMS;
export const scalarSignals = Object.keys(SCALAR_SIGNALS) as ScalarSignal[];
export const rawStreams = Object.keys(RAW_STREAMS) as RawStream[];

type MappingOf<K extends ScalarSignal> = (typeof SCALAR_SIGNALS)[K] extends { mapping: infer M } ? M : never;
/** A dancer signal a mapping rule may name that comes straight from a sample. */
export type MappedSignal = { [K in ScalarSignal]: MappingOf<K> }[ScalarSignal];
export const mappedSignals: MappedSignal[] = scalarSignals.flatMap((k) => {
  const m = (SCALAR_SIGNALS[k] as ScalarSignalSpec).mapping as MappedSignal | undefined;
  return m ? [m] : [];
});

/** The signals kept as `biometric_data` rows: each with its column and the dashboard's stream name. */
export const ROW_SIGNALS: readonly { signal: ScalarSignal; column: BiometricColumn; stream: string }[] =
  scalarSignals.flatMap((signal) => {
    const spec: ScalarSignalSpec = SCALAR_SIGNALS[signal];
    return typeof spec.store === 'object' ? [{ signal, column: spec.store.column, stream: spec.stream }] : [];
  });

/** The registry entry a mapping rule's `dancer` signal names, if it comes straight from a sample. */
export function mappedSpec(signal: string): ScalarSignalSpec | undefined {
  const k = scalarSignals.find((k) => (SCALAR_SIGNALS[k] as ScalarSignalSpec).mapping === signal);
  return k && SCALAR_SIGNALS[k];
}

interface SampleHead {
  deviceKey: string;
  receivedAt: number;
  index: number;
  /** Arrival for latency: precise wall-clock ms (sub-ms) stamped by the driver the moment it got the data. */
  arrivedAt?: number;
}

/** Heart rate carries its RR intervals, contact and energy besides the value. */
export interface HeartRateSample extends SampleHead {
  kind: 'heart_rate';
  bpm: number;
  rr1024: number[];
  contact?: boolean;
  energyKj?: number;
}

/** Every other scalar signal: one value in the registry's unit. */
export interface ValueSample extends SampleHead {
  kind: Exclude<ScalarSignal, 'heart_rate'>;
  value: number;
}

/** Low-rate values. */
export type ScalarSample = HeartRateSample | ValueSample;

/** A scalar sample's value in its signal's unit. */
export const valueOf = (s: ScalarSample): number => (s.kind === 'heart_rate' ? s.bpm : s.value);

/**
 * A block of consecutive high-rate samples as one device notification delivers them,
 * interleaved by channel (x0 y0 z0 x1 y1 z1 ...). Units as in `RAW_STREAMS`.
 */
export interface RawBlock {
  kind: 'raw';
  deviceKey: string;
  stream: RawStream;
  receivedAt: number;
  /** Arrival for latency: precise wall-clock ms (sub-ms) stamped by the driver the moment it got the data. */
  arrivedAt?: number;
  /** Index of the block's first sample in the device's stream. */
  firstIndex: number;
  /** Host time (wall-clock ms) of the first sample, mapped from the device clock. */
  startedAt: number;
  rateHz: number;
  channels: number;
  values: Float32Array;
}

export type Sample = ScalarSample | RawBlock;

/** The consent a sample needs before anyone may see it. */
export function consentOf(s: Sample): ConsentClass {
  return s.kind === 'raw' ? RAW_STREAMS[s.stream].consent : SCALAR_SIGNALS[s.kind].consent;
}

/** The consent a stored chunk's stream needs (a raw stream, or a scalar signal kept as chunks). */
export function streamConsent(stream: string): ConsentClass {
  if (stream in RAW_STREAMS) return RAW_STREAMS[stream as RawStream].consent;
  if (stream in SCALAR_SIGNALS) return SCALAR_SIGNALS[stream as ScalarSignal].consent;
  // A stream the registry does not know is treated as the most sensitive kind.
  return 'biometrics';
}

/** A scalar sample as a one-value block, for a signal the registry keeps as chunks. */
export function scalarBlock(s: ValueSample, rateHz: number): Omit<RawBlock, 'stream'> & { stream: string } {
  return {
    kind: 'raw',
    deviceKey: s.deviceKey,
    stream: s.kind,
    receivedAt: s.receivedAt,
    firstIndex: s.index,
    startedAt: s.receivedAt,
    rateHz,
    channels: 1,
    values: Float32Array.of(s.value),
  };
}

/** What a driver announces when it finds (or is told about) a device. */
export interface DeviceInfo {
  key: string;
  kind: 'wearable' | 'haptic_controller';
  transport: 'ble' | 'serial' | 'firmata' | 'sim' | 'replay';
  model: string;
  name: string;
}
