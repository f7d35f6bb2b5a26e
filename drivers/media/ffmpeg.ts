/**
 * What every ffmpeg child of the box shares: the arguments that decode any input to mono
 * float PCM on stdout, reassembly of that pipe's chunks into whole samples, and ffmpeg's
 * complaint in a line fit for health and API errors.
 */

/** ffmpeg arguments decoding `input` (after `inputOptions`) to mono f32le PCM at `sampleRate` on stdout. */
export const pcmArgs = (input: string, sampleRate: number, inputOptions: readonly string[] = []): string[] => [
  '-hide_banner',
  '-loglevel',
  'error',
  '-nostdin',
  ...inputOptions,
  '-i',
  input,
  '-vn',
  '-ac',
  '1',
  '-ar',
  String(sampleRate),
  '-f',
  'f32le',
  'pipe:1',
];

/** Turns pipe chunks (cut anywhere) into whole float samples, carrying a split sample over. */
export class F32Chunks {
  private carry = Buffer.alloc(0);

  push(d: Buffer): Float32Array {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, d]) : d;
    const whole = bytes.length - (bytes.length % 4);
    this.carry = Buffer.from(bytes.subarray(whole));
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + whole));
  }
}

/**
 * Why a tool could not be started, in words a technician acts on: a missing ffmpeg says how to
 * install it instead of "spawn ffmpeg ENOENT".
 */
export function cannotRun(tool: 'ffmpeg' | 'ffprobe', err: Error): string {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT')
    return `${tool} is not installed or not on PATH (Debian: apt-get install ffmpeg; codance doctor checks it)`;
  return `cannot run ${tool}: ${err.message}`;
}

/** ffmpeg's last few lines of complaint, without alsa-lib's configuration chatter. */
export function complaint(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('ALSA lib'))
    .slice(-3)
    .join('; ');
}
