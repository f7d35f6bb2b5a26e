/**
 * Analyses an audio file: ffmpeg decodes it to mono PCM once, streamed chunk by chunk into
 * the pure analyser (models/music/song-analysis.ts), so a long song never sits whole in memory.
 */
import { SongAnalyser, type AnalyserOptions, type SongAnalysis } from '../../models/music/song-analysis.js';
import { decodePcm } from './decode-pcm.js';

export interface AnalyseOptions extends AnalyserOptions {
  ffmpegPath?: string;
  signal?: AbortSignal;
  /** Seconds of audio decoded so far (for a progress bar). */
  onProgress?: (decodedS: number) => void;
}

export async function analyseSong(file: string, options: AnalyseOptions = {}): Promise<SongAnalysis> {
  const analyser = new SongAnalyser(options);
  const rate = analyser.options.sampleRate;
  let decoded = 0;
  const { samples, sampleRate } = await decodePcm(
    file,
    (pcm) => {
      analyser.push(pcm);
      decoded += pcm.length;
      options.onProgress?.(decoded / rate);
    },
    {
      sampleRate: rate,
      ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  return analyser.finish(samples, sampleRate);
}
