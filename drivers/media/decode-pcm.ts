/**
 * Decodes any audio ffmpeg reads to mono float PCM, streamed chunk by chunk to a callback so
 * a long song never sits whole in memory and the event loop gets its turn between chunks.
 * Rejects with ffmpeg's own complaint (a missing file, an unknown format).
 */
import { spawn } from 'node:child_process';
import { cannotRun, complaint, F32Chunks, pcmArgs } from './ffmpeg.js';

export interface DecodeOptions {
  sampleRate?: number;
  ffmpegPath?: string;
  signal?: AbortSignal;
}

export function decodePcm(
  file: string,
  onChunk: (pcm: Float32Array) => void,
  options: DecodeOptions = {},
): Promise<{ samples: number; sampleRate: number }> {
  const sampleRate = options.sampleRate ?? 22_050;
  return new Promise((resolve, reject) => {
    const child = spawn(options.ffmpegPath ?? 'ffmpeg', pcmArgs(file, sampleRate), {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stderr = '';
    let samples = 0;
    const chunks = new F32Chunks();
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdout.on('data', (d: Buffer) => {
      const pcm = chunks.push(d);
      samples += pcm.length;
      onChunk(pcm);
    });
    child.once('error', (err) => reject(new Error(cannotRun('ffmpeg', err))));
    child.once('close', (code) => {
      if (code === 0) resolve({ samples, sampleRate });
      else reject(new Error(`ffmpeg could not decode ${file}: ${complaint(stderr) || `exit ${code ?? 'signal'}`}`));
    });
  });
}
