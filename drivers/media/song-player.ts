/**
 * Plays one audio file through ffmpeg in real time (`-re`) to the box's sound output (any
 * ffmpeg output: ALSA, PulseAudio, or `-f null -` for a box with no speakers), reporting the
 * song position as ffmpeg writes it (`-progress`, every 100 ms). The caller maps position to
 * wall time; the earliest-arriving reports carry the least delay, so it keeps their minimum.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cannotRun, complaint } from './ffmpeg.js';

export interface SongPlayerOptions {
  /** ffmpeg output arguments, e.g. ['-f', 'alsa', 'default'] or ['-f', 'null', '-']. */
  outputArgs: string[];
  ffmpegPath?: string;
}

export interface PlaybackEvents {
  /** ffmpeg has written audio up to `positionS` of the song; observed at wall-clock `at` ms. */
  position(positionS: number, at: number): void;
  /** Playback is over: the song ended, it was stopped, or ffmpeg failed (with its reason). */
  ended(how: { reason: 'finished' | 'stopped' | 'failed'; detail?: string }): void;
}

export class SongPlayback {
  private readonly child: ChildProcess;
  private stopping = false;

  constructor(file: string, fromS: number, options: SongPlayerOptions, events: PlaybackEvents, now: () => number) {
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-progress',
      'pipe:1',
      '-stats_period',
      '0.1',
      '-re',
      '-ss',
      fromS.toFixed(3),
      '-i',
      file,
      '-vn',
      ...options.outputArgs,
    ];
    this.child = spawn(options.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let buffered = '';
    this.child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    this.child.stdout?.on('data', (d: Buffer) => {
      const at = now();
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        // out_time_us is the position of the audio written so far, from the -ss point.
        const m = /^out_time_us=(\d+)$/.exec(line.trim());
        if (m) events.position(fromS + Number(m[1]) / 1e6, at);
      }
    });
    let done = false;
    const end = (how: Parameters<PlaybackEvents['ended']>[0]): void => {
      if (done) return;
      done = true;
      events.ended(how);
    };
    this.child.once('error', (err) => end({ reason: 'failed', detail: cannotRun('ffmpeg', err) }));
    this.child.once('close', (code) => {
      if (this.stopping) end({ reason: 'stopped' });
      else if (code === 0) end({ reason: 'finished' });
      else end({ reason: 'failed', detail: `ffmpeg exited (${code ?? 'signal'}): ${complaint(stderr)}` });
    });
  }

  stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((res) => {
      this.child.once('close', () => res());
      this.child.kill('SIGTERM');
    });
  }
}
