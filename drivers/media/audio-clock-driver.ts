/**
 * Live audio in for the music clock: any ffmpeg input (a capture device with `-f alsa`, a
 * stream URL, a file played in real time with `-re`) decoded to mono 22.05 kHz float PCM on
 * a pipe and beat-tracked online. ffmpeg is spawned directly: one pipe is all this needs (and
 * fluent-ffmpeg is archived; see DECISIONS.md). When ffmpeg exits or is missing, health says
 * why and the input is reopened after `retryMs`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Driver } from '../driver.js';
import type { HealthReporter } from '../health/registry.js';
import { Retry } from '../backoff.js';
import { BeatTracker } from '../../models/music/beat-tracker.js';
import { cannotRun, complaint, F32Chunks, pcmArgs } from './ffmpeg.js';

const RATE = 22_050;

export interface AudioClockOptions {
  input: string;
  inputOptions: string[];
  retryMs: number;
  ffmpegPath?: string;
}

export interface AudioClockEvents {
  tempo(bpm: number): void;
  /** A beat at wall-clock ms (fractional). */
  beat(at: number): void;
}

export class AudioClockDriver implements Driver {
  readonly name = 'clock:audio';
  private child: ChildProcess | undefined;
  private running = false;
  private readonly retry: Retry;
  tracker = new BeatTracker();

  constructor(
    private readonly options: AudioClockOptions,
    private readonly health: HealthReporter,
    private readonly on: AudioClockEvents,
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
  ) {
    this.retry = new Retry({ initialMs: options.retryMs, maxMs: options.retryMs, factor: 1 });
  }

  start(signal: AbortSignal): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.open();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.running = false;
    this.retry.cancel();
    const child = this.child;
    this.child = undefined;
    this.health.report(this.name, { state: 'stopped' });
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((res) => {
      child.once('exit', () => res());
      child.kill('SIGTERM');
    });
  }

  private open(): void {
    if (!this.running) return;
    const { input, inputOptions } = this.options;
    this.tracker = new BeatTracker();
    const child = spawn(this.options.ffmpegPath ?? 'ffmpeg', pcmArgs(input, RATE, inputOptions), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    let samples = 0;
    let startedAt: number | undefined;
    const chunks = new F32Chunks();
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdout.on('data', (d: Buffer) => {
      const now = this.now();
      if (startedAt === undefined) {
        startedAt = now;
        this.health.report(this.name, { type: 'subsystem', state: 'connected', detail: `ffmpeg ${input}` });
      }
      const pcm = chunks.push(d);
      samples += pcm.length;
      // Stream time → wall time: the newest sample arrived now.
      const endS = samples / RATE;
      for (const e of this.tracker.push(pcm)) {
        if (e.type === 'tempo') this.on.tempo(e.bpm);
        else this.on.beat(now - (endS - e.atS) * 1000);
      }
      this.health.report(this.name, { lastSampleAt: Math.round(now) });
    });
    child.once('error', (err) => {
      this.health.report(this.name, {
        type: 'subsystem',
        state: 'unavailable',
        detail: `${cannotRun('ffmpeg', err)}; trying again every ${this.options.retryMs} ms`,
      });
    });
    child.once('close', (code) => {
      if (this.child === child) this.child = undefined;
      if (!this.running) return;
      const why = complaint(stderr);
      this.health.report(this.name, {
        type: 'subsystem',
        state: 'retrying',
        detail: `ffmpeg exited (${code ?? 'signal'})${why ? `: ${why}` : ''}; reopening ${input} in ${this.options.retryMs} ms`,
      });
      this.retry.schedule(() => this.open());
    });
  }
}
