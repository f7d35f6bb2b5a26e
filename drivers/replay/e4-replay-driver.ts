/**
 * Plays an Empatica E4 CSV folder (shared/data/physio/...) back through the input-driver
 * interface, in real time or faster: HR with its inter-beat intervals as RR (1/1024 s), EDA,
 * skin temperature, and the 32 Hz accelerometer (1/64 g) and 64 Hz BVP as raw blocks. The
 * recording's own clock is shifted to now, so a replay looks like a live wristband.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Driver, InputDriverDeps } from '../driver.js';
import { preciseNow } from '../precise-timer.js';
import type { Sample } from '../../config/signals.js';
import { parseE4Ibi, parseE4Signal, type E4Signal } from '../../models/data/e4-csv.js';

export interface E4ReplayOptions {
  /** Folder holding EDA.csv, TEMP.csv, HR.csv and optionally IBI.csv, ACC.csv, BVP.csv. */
  path: string;
  /** Device key the samples are stored under. */
  deviceKey: string;
  /** 1 = real time; larger is faster; Infinity = as fast as the store takes it. */
  speed: number;
}

interface Timed {
  /** ms after the recording's start */
  at: number;
  make: (receivedAt: number) => Sample;
}

const BLOCK_MS = 250;

async function optional(path: string): Promise<string | undefined> {
  try {
    await access(path);
  } catch {
    return undefined;
  }
  return readFile(path, 'utf8');
}

export async function loadE4Folder(
  path: string,
  deviceKey: string,
): Promise<{ events: Timed[]; startMs: number; durationMs: number }> {
  const need = async (name: string, columns: number): Promise<E4Signal> => {
    const text = await optional(join(path, name));
    if (text === undefined) throw new Error(`E4 folder ${path} has no ${name}`);
    const r = parseE4Signal(text, name, columns);
    if (!r.ok) throw new Error(`E4 folder ${path}: ${r.reason}`);
    return r.value;
  };
  const maybe = async (name: string, columns: number): Promise<E4Signal | undefined> =>
    (await optional(join(path, name))) === undefined ? undefined : need(name, columns);
  const [eda, temp, hr] = [await need('EDA.csv', 1), await need('TEMP.csv', 1), await need('HR.csv', 1)];
  const acc = await maybe('ACC.csv', 3);
  const bvp = await maybe('BVP.csv', 1);
  const ibiText = await optional(join(path, 'IBI.csv'));
  const ibi = ibiText === undefined ? undefined : parseE4Ibi(ibiText);
  if (ibi && !ibi.ok) throw new Error(`E4 folder ${path}: ${ibi.reason}`);
  const startMs = Math.min(eda.startMs, temp.startMs, hr.startMs, acc?.startMs ?? Infinity, bvp?.startMs ?? Infinity);
  const events: Timed[] = [];
  const at = (s: E4Signal, i: number): number => s.startMs - startMs + (i * 1000) / s.rateHz;
  for (let i = 0; i < eda.count; i++)
    events.push({
      at: at(eda, i),
      make: (receivedAt) => ({ kind: 'eda', deviceKey, receivedAt, index: i, value: eda.values[i]! }),
    });
  for (let i = 0; i < temp.count; i++)
    events.push({
      at: at(temp, i),
      make: (receivedAt) => ({ kind: 'skin_temp', deviceKey, receivedAt, index: i, value: temp.values[i]! }),
    });
  // E4's HR is a 10 s average reported each second; the beats that ended in each second go with it as RR.
  const beats = ibi?.ok
    ? ibi.value.beats.map((b) => ({ t: ibi.value.startMs - startMs + b.offsetMs, rr: Math.round(b.ibiS * 1024) }))
    : [];
  let b = 0;
  for (let i = 0; i < hr.count; i++) {
    const t = at(hr, i);
    const rr1024: number[] = [];
    while (b < beats.length && beats[b]!.t <= t) rr1024.push(beats[b++]!.rr);
    events.push({
      at: t,
      make: (receivedAt) => ({
        kind: 'heart_rate',
        deviceKey,
        receivedAt,
        index: i,
        bpm: Math.round(hr.values[i]!),
        rr1024,
      }),
    });
  }
  const blocks = (s: E4Signal, stream: 'acc' | 'ppg', scale: number): void => {
    const per = Math.max(1, Math.round((s.rateHz * BLOCK_MS) / 1000));
    for (let first = 0; first < s.count; first += per) {
      const n = Math.min(per, s.count - first);
      const values = Float32Array.from(s.values.subarray(first * s.columns, (first + n) * s.columns), (v) => v * scale);
      const lastAt = at(s, first + n - 1);
      events.push({
        at: lastAt,
        make: (receivedAt) => ({
          kind: 'raw',
          deviceKey,
          stream,
          receivedAt,
          firstIndex: first,
          startedAt: receivedAt - ((n - 1) * 1000) / s.rateHz,
          rateHz: s.rateHz,
          channels: s.columns,
          values,
        }),
      });
    }
  };
  if (acc) blocks(acc, 'acc', 1 / 64);
  if (bvp) blocks(bvp, 'ppg', 1);
  events.sort((x, y) => x.at - y.at);
  return { events, startMs, durationMs: events.length > 0 ? events[events.length - 1]!.at : 0 };
}

export class E4ReplayDriver implements Driver {
  readonly name: string;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private finishedResolve: (() => void) | undefined;
  /** Resolves when the folder has played to its end. */
  readonly finished = new Promise<void>((r) => (this.finishedResolve = r));
  emitted = 0;

  constructor(
    private readonly options: E4ReplayOptions,
    private readonly deps: InputDriverDeps,
  ) {
    this.name = `replay:${options.deviceKey}`;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.running) return;
    this.running = true;
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    const { deviceKey, path } = this.options;
    let loaded: Awaited<ReturnType<typeof loadE4Folder>>;
    try {
      loaded = await loadE4Folder(path, deviceKey);
    } catch (err) {
      this.deps.health.report(deviceKey, { type: 'device', state: 'error', detail: (err as Error).message });
      this.running = false;
      throw err;
    }
    this.deps.announce({
      key: deviceKey,
      kind: 'wearable',
      transport: 'replay',
      model: 'Empatica E4 (replay)',
      name: `E4 replay of ${path}`,
    });
    this.deps.health.report(deviceKey, {
      type: 'device',
      state: 'connected',
      detail: `replaying ${path} at ${this.options.speed}x (${Math.round(loaded.durationMs / 1000)} s)`,
    });
    this.play(loaded.events, 0, performance.now());
  }

  stop(): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.deps.health.report(this.options.deviceKey, { state: 'stopped' });
    return Promise.resolve();
  }

  private play(events: Timed[], from: number, anchor: number): void {
    this.timer = undefined;
    if (!this.running) return;
    const { speed } = this.options;
    const elapsed = Number.isFinite(speed) ? (performance.now() - anchor) * speed : Infinity;
    let i = from;
    // At full speed, yield every few thousand samples so the store's batches and the HTTP API keep running.
    const budget = Number.isFinite(speed) ? Infinity : 2000;
    for (let n = 0; i < events.length && events[i]!.at <= elapsed && n < budget; i++, n++) {
      const sample = events[i]!.make(Date.now());
      sample.arrivedAt = preciseNow();
      this.deps.emit(sample);
      this.emitted++;
    }
    this.deps.health.report(this.options.deviceKey, { lastSampleAt: Date.now() });
    if (i >= events.length) {
      this.deps.health.report(this.options.deviceKey, {
        state: 'stopped',
        detail: `replay of ${this.options.path} finished`,
      });
      this.running = false;
      this.finishedResolve?.();
      return;
    }
    const wait = Number.isFinite(speed) ? Math.max(0, (events[i]!.at - elapsed) / speed) : 0;
    this.timer = setTimeout(() => this.play(events, i, anchor), Math.min(wait, 1000));
  }
}
