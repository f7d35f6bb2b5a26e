/** Everything the pipeline keeps about one wristband: bounded per-stream buffers and its latest outputs. */
import { ArousalNorm } from '../arousal/inputs.js';
import type { MovementFeatures } from '../features/movement.js';
import { SCALAR_SIGNALS, type Sample, type ScalarSignal } from '../../config/signals.js';
import { TimeRing, XyzRing } from './rings.js';

/** Seconds of each slow signal kept: enough for the 60 s physio window with room for late samples. */
const PHYSIO_S = 90;
const HR_S = 120;
/** A ring that holds `seconds` of a signal at the rate the registry gives it. */
const ringFor = (signal: ScalarSignal, seconds: number) =>
  new TimeRing(Math.ceil(SCALAR_SIGNALS[signal].rateHz * seconds));

export class Dancer {
  readonly eda = ringFor('eda', PHYSIO_S);
  readonly hr = ringFor('heart_rate', HR_S);
  readonly rr = new TimeRing(300);
  readonly temp = ringFor('skin_temp', PHYSIO_S);
  /** 12 s of accelerometer at up to ~340 Hz. */
  readonly acc = new XyzRing(4096);
  /** The dancer's own baselines: their physio features become the arousal model's inputs. */
  readonly norm = new ArousalNorm();
  arousal: { value: number; at: number } | undefined;
  movement: (MovementFeatures & { at: number }) | undefined;
  /** pattern id → time (ms) before which it is not reported again for this dancer */
  readonly cooldowns = new Map<number, number>();
  lastSampleAt = 0;

  constructor(readonly key: string) {}

  /** O(1) per sample (O(block) for raw blocks): this is the sensor hot path. */
  ingest(s: Sample): void {
    const t = (s.kind === 'raw' ? s.startedAt : s.receivedAt) / 1000;
    this.lastSampleAt = s.receivedAt;
    switch (s.kind) {
      case 'eda':
        this.eda.push(t, s.value);
        break;
      case 'skin_temp':
        this.temp.push(t, s.value);
        break;
      case 'heart_rate':
        this.hr.push(t, s.bpm);
        for (const rr of s.rr1024) this.rr.push(t, (rr * 1000) / 1024);
        break;
      case 'raw':
        if (s.stream === 'acc' && s.channels === 3) this.acc.push(s.values, s.rateHz, t);
        break;
      case 'battery':
        break;
    }
  }
}
