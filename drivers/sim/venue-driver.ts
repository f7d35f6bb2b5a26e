/**
 * The simulated venue: N dancers, each wearing a wristband that reports heart rate with RR
 * intervals (1 Hz), skin conductance and skin temperature (4 Hz, as an Empatica E4 does),
 * battery (once a minute) and a 3-axis accelerometer (`imuRateHz`, delivered in blocks as
 * a BLE notification would). It implements the same driver contract as the hardware
 * drivers, so `npm start` runs the whole product on any laptop.
 */
import { SCALAR_SIGNALS } from '../../config/signals.js';
import { preciseNow } from '../precise-timer.js';
import type { Driver, InputDriverDeps } from '../driver.js';
import { DancerModel, type CrowdState } from './dancer-model.js';

/** The clock binding: real timers by default, a manual clock in tests. */
export interface SimClock {
  now(): number;
  /** A sample's arrival stamp for latency (the real clock's precise time); absent on a test's virtual clock. */
  arrival?(): number;
  /** Calls `fn` every `ms`; returns the cancel function. */
  every(ms: number, fn: () => void): () => void;
}

export const realClock: SimClock = {
  now: () => Date.now(),
  arrival: preciseNow,
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
};

export interface SimulatedVenueOptions {
  dancers: number;
  seed: number;
  imuRateHz: number;
  bpm: number;
  /** 0 calm .. 1 wild; the dancers' effort follows it (and the tempo). */
  mood?: number;
  /** How often the wristbands "notify"; 200 ms is typical of BLE IMU streams. */
  tickMs?: number;
}

/**
 * Real wearables are not in step: each notifies on its own connection interval. The bands are
 * spread over this many phases of the notification period, so a few notify at a time.
 */
const PHASES = 20;

/** EDA and temperature come at the rate the signal registry gives a wristband (4 Hz, as an E4). */
const SLOW_RATE_HZ = SCALAR_SIGNALS.eda.rateHz;
const BATTERY_EVERY_MS = 1000 / SCALAR_SIGNALS.battery.rateHz;

interface Band {
  key: string;
  model: DancerModel;
  accNext: number;
  slowNext: number;
  hrNext: number;
  batteryNextAt: number;
  lastHrAt: number;
  /** When it next notifies. */
  notifyAt: number;
}

export function simulatedDeviceKey(i: number): string {
  return `sim-band-${String(i + 1).padStart(3, '0')}`;
}

export class SimulatedVenueDriver implements Driver {
  readonly name = 'sim';
  private cancel: (() => void) | undefined;
  private bands: Band[] = [];
  private t0 = 0;
  /** Shared by every simulated dancer: change it and the whole floor responds. */
  readonly crowd: CrowdState;

  constructor(
    private readonly options: SimulatedVenueOptions,
    private readonly deps: InputDriverDeps,
    private readonly clock: SimClock = realClock,
  ) {
    this.crowd = { bpm: options.bpm, mood: options.mood ?? 0.5 };
  }

  /** The music changed tempo (from the music clock or a song change). */
  setTempo(bpm: number): void {
    if (Number.isFinite(bpm) && bpm >= 40 && bpm <= 220) this.crowd.bpm = bpm;
  }

  /** The crowd's mood, 0 calm .. 1 wild. */
  setMood(mood: number): void {
    if (Number.isFinite(mood)) this.crowd.mood = Math.min(1, Math.max(0, mood));
  }

  start(signal: AbortSignal): Promise<void> {
    if (this.cancel) return Promise.resolve();
    this.t0 = this.clock.now();
    this.bands = Array.from({ length: this.options.dancers }, (_, i) => {
      const key = simulatedDeviceKey(i);
      this.deps.announce({
        key,
        kind: 'wearable',
        transport: 'sim',
        model: 'Codance sim wristband',
        name: `Simulated dancer ${i + 1}`,
      });
      this.deps.health.report(key, { type: 'device', state: 'connected' });
      return {
        key,
        model: new DancerModel(this.options.seed * 10_007 + i, this.t0, this.crowd),
        accNext: 0,
        slowNext: 0,
        hrNext: 1,
        batteryNextAt: this.t0,
        lastHrAt: this.t0,
        notifyAt: this.t0 + ((i % PHASES) * this.tickMs) / PHASES,
      };
    });
    this.cancel = this.clock.every(this.tickMs / PHASES, () => this.tick());
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    for (const b of this.bands) this.deps.health.report(b.key, { state: 'stopped' });
    return Promise.resolve();
  }

  private get tickMs(): number {
    return this.options.tickMs ?? 200;
  }

  private tick(): void {
    const now = this.clock.now();
    // One stamp for the bands notifying together: the last one's samples wait behind the
    // others', and that wait is part of their latency.
    const arrivedAt = this.clock.arrival?.();
    for (const band of this.bands) {
      if (band.notifyAt > now) continue;
      this.tickBand(band, now, arrivedAt);
      while (band.notifyAt <= now) band.notifyAt += this.tickMs;
    }
  }

  private tickBand(band: Band, now: number, arrivedAt?: number): void {
    const { emit } = this.deps;
    const { imuRateHz } = this.options;
    const accPeriod = 1000 / imuRateHz;
    const accDue = Math.floor((now - this.t0) / accPeriod) + 1 - band.accNext;
    if (accDue > 0) {
      const values = new Float32Array(accDue * 3);
      for (let i = 0; i < accDue; i++) {
        const [x, y, z] = band.model.acceleration(this.t0 + (band.accNext + i) * accPeriod);
        values[i * 3] = x;
        values[i * 3 + 1] = y;
        values[i * 3 + 2] = z;
      }
      emit({
        kind: 'raw',
        deviceKey: band.key,
        stream: 'acc',
        receivedAt: now,
        arrivedAt,
        firstIndex: band.accNext,
        startedAt: this.t0 + band.accNext * accPeriod,
        rateHz: imuRateHz,
        channels: 3,
        values,
      });
      band.accNext += accDue;
    }
    const slowPeriod = 1000 / SLOW_RATE_HZ;
    while (this.t0 + band.slowNext * slowPeriod <= now) {
      const t = this.t0 + band.slowNext * slowPeriod;
      emit({
        kind: 'eda',
        deviceKey: band.key,
        receivedAt: now,
        arrivedAt,
        index: band.slowNext,
        value: band.model.eda(t, slowPeriod),
      });
      emit({
        kind: 'skin_temp',
        deviceKey: band.key,
        receivedAt: now,
        arrivedAt,
        index: band.slowNext,
        value: band.model.skinTemp(t, slowPeriod),
      });
      band.slowNext++;
    }
    while (this.t0 + band.hrNext * 1000 <= now) {
      const t = this.t0 + band.hrNext * 1000;
      const { bpm, rr1024 } = band.model.heartbeats(band.lastHrAt, t);
      band.lastHrAt = t;
      emit({
        kind: 'heart_rate',
        deviceKey: band.key,
        receivedAt: now,
        arrivedAt,
        index: band.hrNext - 1,
        bpm,
        rr1024,
        contact: true,
      });
      this.deps.health.report(band.key, { rssi: band.model.rssi(t) });
      band.hrNext++;
    }
    if (now >= band.batteryNextAt) {
      band.model.battery = Math.max(0, band.model.battery - 1);
      emit({
        kind: 'battery',
        deviceKey: band.key,
        receivedAt: now,
        arrivedAt,
        index: Math.round((now - this.t0) / BATTERY_EVERY_MS),
        value: band.model.battery,
      });
      this.deps.health.report(band.key, { batteryPercent: band.model.battery });
      band.batteryNextAt += BATTERY_EVERY_MS;
    }
    this.deps.health.report(band.key, { lastSampleAt: now });
  }
}
