/**
 * Song playback on the box, and the music clock's `song` source: while a song plays, its
 * analysed beats, placed on the wall clock through ffmpeg's reported position, anchor the
 * clock's grid (tempo from the neighbouring beats, count from the analysis's "1"). Before the
 * first and after the last analysed beat the edge tempo is carried on, so intros and outros
 * keep counting. When playback ends the clock is released at once to the next live source.
 */
import type { HealthReporter } from '../../drivers/health/registry.js';
import type { SongAnalysis } from '../../models/music/song-analysis.js';
import { SongPlayback, type SongPlayerOptions } from '../../drivers/media/song-player.js';
import type { MusicClock } from '../clock/music-clock.js';

export interface PlayableSong {
  id: number;
  title: string;
  file: string;
  analysis: SongAnalysis;
}

export interface PlaybackStatus {
  state: 'idle' | 'playing' | 'finished' | 'stopped' | 'failed';
  song_id: number | null;
  title: string | null;
  position_s: number | null;
  duration_s: number | null;
  tempo: number | null;
  detail: string | null;
}

export interface PlaybackOptions extends SongPlayerOptions {
  /** Sound card delay: audio written now is heard this much later. */
  latencyMs: number;
  beatsPerPhrase: number;
}

interface Current {
  song: PlayableSong;
  player?: SongPlayback;
  /** Wall-clock ms at which song position 0 is heard (minimum over reports, plus latency). */
  originAt: number;
}

const NAME = 'media:playback';

export class Playback {
  private current: Current | undefined;
  private last: PlaybackStatus = {
    state: 'idle',
    song_id: null,
    title: null,
    position_s: null,
    duration_s: null,
    tempo: null,
    detail: null,
  };

  constructor(
    private readonly options: PlaybackOptions,
    private readonly clock: MusicClock,
    private readonly health: HealthReporter,
    private readonly now: () => number,
  ) {}

  async play(song: PlayableSong, fromS = 0): Promise<PlaybackStatus> {
    await this.stop();
    const current: Current = { song, originAt: Infinity };
    this.current = current;
    this.last = {
      state: 'playing',
      song_id: song.id,
      title: song.title,
      position_s: fromS,
      duration_s: song.analysis.durationS,
      tempo: song.analysis.tempo,
      detail: null,
    };
    this.health.report(NAME, {
      type: 'subsystem',
      state: 'connected',
      detail: `playing song ${song.id} "${song.title}"`,
    });
    current.player = new SongPlayback(
      song.file,
      fromS,
      this.options,
      {
        position: (positionS, at) => {
          if (this.current !== current) return;
          current.originAt = Math.min(current.originAt, at - positionS * 1000 + this.options.latencyMs);
          this.follow(current);
        },
        ended: ({ reason, detail }) => {
          if (this.current !== current) return;
          this.current = undefined;
          this.clock.release('song');
          this.last = {
            ...this.last,
            state: reason,
            position_s: reason === 'finished' ? song.analysis.durationS : this.position(current),
            detail: detail ?? null,
          };
          this.health.report(
            NAME,
            reason === 'failed'
              ? { type: 'subsystem', state: 'error', detail: detail ?? 'playback failed' }
              : { type: 'subsystem', state: 'stopped', detail: `song ${song.id} ${reason}` },
          );
        },
      },
      this.now,
    );
    return this.status();
  }

  async stop(): Promise<PlaybackStatus> {
    const current = this.current;
    await current?.player?.stop();
    return this.status();
  }

  status(): PlaybackStatus {
    const c = this.current;
    return c ? { ...this.last, position_s: this.position(c) } : this.last;
  }

  private position(c: Current): number | null {
    return Number.isFinite(c.originAt) ? Math.max(0, Math.round(this.now() - c.originAt)) / 1000 : null;
  }

  /** Anchors the clock on the song's next beat (or the edge tempo carried past the analysed beats). */
  private follow(c: Current): void {
    const { beats, firstCountBeat } = c.song.analysis;
    if (beats.length < 2) return;
    const posS = (this.now() - c.originAt) / 1000;
    const next = nextBeat(beats, posS);
    const now = this.clock.snapshot();
    if (Math.abs(next.bpm - now.bpm) / next.bpm > 0.002 || now.source !== 'song') this.clock.setTempo(next.bpm, 'song');
    const n = this.options.beatsPerPhrase;
    const count = ((((next.index - firstCountBeat) % n) + n) % n) + 1;
    this.clock.beatAt(c.originAt + next.atS * 1000, 'song', count);
  }
}

/**
 * The first beat after `posS` (its index may run past either end of the analysed beats), with
 * the local tempo. Time and tempo come from a least-squares line through the beats around it,
 * which smooths the analysis frame's quantisation (23 ms) out of both.
 */
export function nextBeat(beats: readonly number[], posS: number): { index: number; atS: number; bpm: number } {
  const last = beats.length - 1;
  const fitAround = (i: number): { a: number; b: number } => {
    const c = Math.max(0, Math.min(last, i));
    const lo = Math.max(0, c - 4);
    const hi = Math.min(last, c + 4);
    let n = 0,
      sk = 0,
      st = 0,
      skk = 0,
      skt = 0;
    for (let k = lo; k <= hi; k++) {
      n++;
      sk += k;
      st += beats[k]!;
      skk += k * k;
      skt += k * beats[k]!;
    }
    const b = (n * skt - sk * st) / (n * skk - sk * sk);
    return { a: (st - b * sk) / n, b };
  };
  // Find the analysed beat index i with beats[i] > posS (or extrapolate off either end).
  let i: number;
  if (posS < beats[0]!) {
    const { a, b } = fitAround(0);
    i = Math.floor((posS - a) / b) + 1;
  } else if (posS >= beats[last]!) {
    const { a, b } = fitAround(last);
    i = Math.max(last + 1, Math.floor((posS - a) / b) + 1);
  } else {
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (beats[mid]! > posS) hi = mid;
      else lo = mid + 1;
    }
    i = lo;
  }
  const { a, b } = fitAround(i);
  let atS = a + b * i;
  // The fitted time can fall just behind posS; the beat after it is the one wanted.
  while (atS <= posS) {
    i++;
    atS = a + b * i;
  }
  return { index: i, atS, bpm: 60 / b };
}
