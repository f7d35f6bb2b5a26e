/**
 * Reads a folder laid out like the HMP wrist dataset (shared/data/imu/hmp): one folder per
 * gesture class, one recording per file, "x y z" per line coded 0..63 (g = -1.5 + c/63·3) at
 * 32 Hz, and the volunteer id at the end of the file name (…-walk-f1.txt).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const HMP_RATE_HZ = 32;

export interface Recording {
  gesture: string;
  volunteer: string;
  file: string;
  /** interleaved x y z in g */
  xyz: Float32Array;
}

export function parseHmpFile(text: string, file: string): Float32Array {
  const values: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const parts = line.split(/\s+/).map(Number);
    if (parts.length !== 3 || !parts.every((c) => Number.isInteger(c) && c >= 0 && c <= 63))
      throw new Error(`${file} line ${i + 1}: expected three codes 0..63, got "${line.slice(0, 40)}"`);
    for (const c of parts) values.push(-1.5 + (c / 63) * 3);
  }
  if (values.length < 6) throw new Error(`${file}: fewer than two samples`);
  return Float32Array.from(values);
}

export function volunteerOf(file: string): string | undefined {
  return /-([a-z]+\d+)(?:_\d+)?\.txt$/i.exec(file)?.[1]?.toLowerCase();
}

/** f1 < f2 < … < m1 < m2 < …: the order in which volunteers count as "first". */
export function volunteerOrder(a: string, b: string): number {
  const pa = /^([a-z]+)(\d+)$/.exec(a);
  const pb = /^([a-z]+)(\d+)$/.exec(b);
  if (!pa || !pb) return a.localeCompare(b);
  return pa[1]!.localeCompare(pb[1]!) || Number(pa[2]) - Number(pb[2]);
}

export function loadHmp(root: string): Recording[] {
  const out: Recording[] = [];
  for (const gesture of readdirSync(root).sort()) {
    const dir = join(root, gesture);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      const volunteer = volunteerOf(file);
      if (!volunteer || !file.endsWith('.txt')) continue;
      out.push({ gesture, volunteer, file, xyz: parseHmpFile(readFileSync(join(dir, file), 'utf8'), join(dir, file)) });
    }
  }
  return out;
}
