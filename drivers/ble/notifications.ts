/**
 * Each notification of a wearable turned into samples: parsed by the pure parsers, placed on
 * the device's stream clock, checked for resends after a reconnect (dropped) and gaps
 * (indices continue). What a device has sent is kept in `WearableStreams`, which outlives a
 * connection. A parser's refusal is counted and named in the device's health.
 */
import type { Sample } from '../../config/signals.js';
import type { HealthReporter } from '../health/registry.js';
import type { Parsed } from '../../config/parsed.js';
import { parseBatteryLevel } from './battery.js';
import { parseHeartRateMeasurement } from './heart-rate.js';
import { parseControlPointResponse, parseSettings } from './pmd/control-point.js';
import { parsePmdFrame } from './pmd/frame.js';
import { PMD_TYPES } from './pmd/measurement.js';
import { StreamClock, WrappingClock } from './stream-clock.js';
import { preciseNow } from '../precise-timer.js';
import { parseWristbandEda, parseWristbandImu, parseWristbandTemp, type WristbandValues } from './wristband-profile.js';

export interface PmdStreamSettings {
  enabled: boolean;
  sampleRate: number;
  resolution: number;
  range?: number;
}

export interface SessionOptions {
  key: string;
  pmd: { acc: PmdStreamSettings; ecg: PmdStreamSettings };
  emit: (sample: Sample) => void;
  health: HealthReporter;
  now: () => number;
  /** Sees every notification's raw bytes (the recorder). */
  tap?: (char: string, bytes: Buffer, kind: 'notify' | 'read') => void;
}

/** Per-device stream state that survives reconnects. */
export class WearableStreams {
  hrIndex = 0;
  batteryIndex = 0;
  readonly clocks = new Map<string, StreamClock>();
  readonly deviceClocks = new Map<string, WrappingClock>();
  readonly lastSeq = new Map<string, number>();
  readonly pmdFactor = new Map<number, number>();

  clock(stream: string, rateHz: number): StreamClock {
    let c = this.clocks.get(stream);
    if (!c || c.rateHz !== rateHz) {
      const next = new StreamClock(rateHz);
      // A rate change starts a new mapping but never reuses indices already handed out.
      if (c) next.nextIndex = c.nextIndex;
      this.clocks.set(stream, (c = next));
    }
    return c;
  }
}

/** The handlers of one connection, one method per characteristic. */
export class Handlers {
  constructor(
    private readonly streams: WearableStreams,
    private readonly o: SessionOptions,
  ) {}

  private accept<T>(r: Parsed<T>, what: string): T | undefined {
    if (r.ok) return r.value;
    this.o.health.countError(this.o.key, `invalid_${what}`);
    this.o.health.report(this.o.key, { lastError: `${what}: ${r.reason}` });
    return undefined;
  }

  /** The precise arrival of the notification being parsed: every sample it yields carries it. */
  private arrivedAt = 0;

  private seen(): number {
    this.arrivedAt = preciseNow();
    const t = this.o.now();
    this.o.health.report(this.o.key, { lastSampleAt: t });
    return t;
  }

  heartRate(bytes: Buffer): void {
    const m = this.accept(parseHeartRateMeasurement(bytes), 'heart_rate');
    if (!m) return;
    const receivedAt = this.seen();
    this.o.emit({
      kind: 'heart_rate',
      deviceKey: this.o.key,
      receivedAt,
      arrivedAt: this.arrivedAt,
      index: this.streams.hrIndex++,
      bpm: m.hr,
      rr1024: m.rr1024,
      ...(m.contact === null ? {} : { contact: m.contact }),
      ...(m.energyKj === null ? {} : { energyKj: m.energyKj }),
    });
  }

  battery(bytes: Buffer): void {
    const pct = this.accept(parseBatteryLevel(bytes), 'battery');
    if (pct === undefined) return;
    this.o.health.report(this.o.key, { batteryPercent: pct });
    this.o.emit({
      kind: 'battery',
      deviceKey: this.o.key,
      receivedAt: this.o.now(),
      index: this.streams.batteryIndex++,
      value: pct,
    });
  }

  controlPoint(bytes: Buffer): void {
    const r = this.accept(parseControlPointResponse(bytes), 'pmd_control');
    if (!r) return;
    if (r.errorCode !== 0) {
      this.o.health.countError(this.o.key, 'pmd_refused');
      this.o.health.report(this.o.key, {
        lastError: `PMD op ${r.op} for measurement ${r.measurementType} refused: ${r.error}`,
      });
      return;
    }
    const settings = parseSettings(r.parameters);
    const factor = settings.ok ? settings.value.factor?.[0] : undefined;
    if (factor !== undefined && Number.isFinite(factor) && factor > 0)
      this.streams.pmdFactor.set(r.measurementType, factor);
  }

  pmd(bytes: Buffer): void {
    const code = bytes[0] !== undefined ? bytes[0] & 0x3f : -1;
    const factor = this.streams.pmdFactor.get(code);
    const f = this.accept(parsePmdFrame(bytes, factor === undefined ? {} : { factor }), 'pmd');
    if (!f) return;
    const receivedAt = this.seen();
    const lastMs = Number(f.timestampNs) / 1e6;
    if (f.type === 'acc') {
      if (f.unit === 'raw') {
        this.accept(
          { ok: false, reason: 'compressed accelerometer frame before the device reported its conversion factor' },
          'pmd',
        );
        return;
      }
      const rate = this.o.pmd.acc.sampleRate;
      const values = new Float32Array(f.samples.length * 3);
      f.samples.forEach((s, i) => values.set([s[0] / 1000, s[1] / 1000, s[2] / 1000], i * 3));
      this.block('acc', PMD_TYPES.acc, rate, 3, values, f.samples.length, lastMs, receivedAt);
    } else if (f.type === 'ecg') {
      this.block(
        'ecg',
        PMD_TYPES.ecg,
        this.o.pmd.ecg.sampleRate,
        1,
        Float32Array.from(f.samples),
        f.samples.length,
        lastMs,
        receivedAt,
      );
    } else {
      for (const s of f.samples) {
        if (!s.valid) continue;
        this.o.emit({
          kind: 'heart_rate',
          deviceKey: this.o.key,
          receivedAt,
          arrivedAt: this.arrivedAt,
          index: this.streams.hrIndex++,
          bpm: s.hr,
          rr1024: [Math.round((s.ppMs * 1024) / 1000)],
          ...(s.contact === null ? {} : { contact: s.contact }),
        });
      }
    }
  }

  bandImu(bytes: Buffer): void {
    const m = this.accept(parseWristbandImu(bytes), 'imu');
    if (!m || this.resent('imu', m.sequence)) return;
    const receivedAt = this.seen();
    const firstMs = this.deviceMs('imu', m.deviceTimeMs);
    const lastMs = firstMs + ((m.count - 1) * 1000) / m.rateHz;
    this.block(
      'acc',
      'band',
      m.rateHz,
      3,
      Float32Array.from(m.acc),
      m.count,
      lastMs,
      receivedAt,
      m.gyro.length > 0 ? Float32Array.from(m.gyro) : undefined,
    );
  }

  bandValues(bytes: Buffer, kind: 'eda' | 'skin_temp'): void {
    const m: WristbandValues | undefined = this.accept(
      kind === 'eda' ? parseWristbandEda(bytes) : parseWristbandTemp(bytes),
      kind,
    );
    if (!m || this.resent(kind, m.sequence)) return;
    const receivedAt = this.seen();
    const firstMs = this.deviceMs(kind, m.deviceTimeMs);
    const place = this.streams
      .clock(kind, m.rateHz)
      .place(firstMs + ((m.values.length - 1) * 1000) / m.rateHz, m.values.length, receivedAt);
    if (!place) return this.duplicate();
    for (let i = place.skip; i < m.values.length; i++) {
      const index = place.firstIndex + i;
      const v = m.values[i]!;
      this.o.emit({ kind, deviceKey: this.o.key, receivedAt, arrivedAt: this.arrivedAt, index, value: v });
    }
  }

  private resent(stream: string, seq: number): boolean {
    const same = this.streams.lastSeq.get(stream) === seq;
    this.streams.lastSeq.set(stream, seq);
    if (same) this.duplicate();
    return same;
  }

  private duplicate(): void {
    this.o.health.countError(this.o.key, 'duplicate');
  }

  private deviceMs(stream: string, raw: number): number {
    let c = this.streams.deviceClocks.get(stream);
    if (!c) this.streams.deviceClocks.set(stream, (c = new WrappingClock()));
    return c.unwrap(raw);
  }

  private block(
    stream: 'acc' | 'ecg',
    source: number | 'band',
    rateHz: number,
    channels: number,
    values: Float32Array,
    count: number,
    lastMs: number,
    receivedAt: number,
    gyro?: Float32Array,
  ): void {
    const place = this.streams.clock(`${stream}:${source}`, rateHz).place(lastMs, count, receivedAt);
    if (!place) return this.duplicate();
    const base = {
      kind: 'raw',
      deviceKey: this.o.key,
      receivedAt,
      arrivedAt: this.arrivedAt,
      firstIndex: place.firstIndex + place.skip,
      startedAt: place.startedAt,
      rateHz,
    } as const;
    this.o.emit({
      ...base,
      stream,
      channels,
      values: place.skip > 0 ? values.subarray(place.skip * channels) : values,
    });
    if (gyro)
      this.o.emit({
        ...base,
        stream: 'gyro',
        channels: 3,
        values: place.skip > 0 ? gyro.subarray(place.skip * 3) : gyro,
      });
  }
}
