/**
 * Songs live in the database (one backup holds everything); ffmpeg reads files, so each is
 * written once to the cache folder under its content hash and rewritten if removed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EXT: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/flac': 'flac',
  'audio/ogg': 'ogg',
  'audio/aiff': 'aiff',
  'audio/mp4': 'm4a',
  'audio/mpeg': 'mp3',
};

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The cached file of a song's audio, written (atomically) if it is not there. */
export function songFile(
  cacheDir: string,
  song: { sha256: string; mime_type: string },
  bytes: () => Uint8Array,
): string {
  const file = join(cacheDir, `${song.sha256}.${EXT[song.mime_type] ?? 'bin'}`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes());
  renameSync(tmp, file);
  return file;
}
