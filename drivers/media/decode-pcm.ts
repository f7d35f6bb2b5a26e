/**
 * Decodes any audio ffmpeg reads to mono float PCM, streamed chunk by chunk to a callback so
 * a long song never sits whole in memory and the event loop gets its turn between chunks.
 * Rejects with ffmpeg's own last line of complaint (a missing file, an unknown format).
 */
import { spawn } from 'node:child_process';

export interface DecodeOptions {
  sampleRate?: number;
  ffmpegPath?: string;
  signal?: AbortSignal;
}

export function decodePcm(file: string, onChunk: (pcm: Float32Array) => void, options: DecodeOptions = {}): Promise<{ samples: number; sampleRate: number }> {
  const sampleRate = options.sampleRate ?? 22_050;
  return new Promise((resolve, reject) => {
    const child = spawn(options.ffmpegPath ?? 'ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', file, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stderr = '';
    let samples = 0;
    let carry = Buffer.alloc(0);
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-1000)));
    child.stdout.on('data', (d: Buffer) => {
      const bytes = carry.length > 0 ? Buffer.concat([carry, d]) : d;
      const whole = bytes.length - (bytes.length % 4);
      carry = Buffer.from(bytes.subarray(whole));
      const pcm = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + whole));
      samples += pcm.length;
      onChunk(pcm);
    });
    child.once('error', (err) => reject(new Error(`cannot run ffmpeg: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve({ samples, sampleRate });
      else reject(new Error(`ffmpeg could not decode ${file}: ${stderr.trim().split('\n').pop() ?? `exit ${code ?? 'signal'}`}`));
    });
  });
}
