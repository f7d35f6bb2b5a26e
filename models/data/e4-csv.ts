/**
 * Empatica E4 CSV exports (as in shared/data/physio): row 1 holds the start as Unix seconds
 * (one per column), row 2 the sample rate in Hz, then one sample per row. IBI.csv is
 * different: row 1 is "start, IBI", then "offset_s,ibi_s" rows. Pure parsers: a bad file
 * comes back as a reason naming the file and line.
 */
import { fail, ok, type Parsed } from '../../config/parsed.js';

export interface E4Signal {
  startMs: number;
  rateHz: number;
  columns: number;
  /** Row-major samples (columns interleaved). */
  values: Float64Array;
  count: number;
}

export interface E4Ibi {
  startMs: number;
  /** Beat times (ms after start) and their inter-beat intervals in seconds. */
  beats: { offsetMs: number; ibiS: number }[];
}

function numbers(line: string): number[] {
  return line.split(',').map((c) => (c.trim() === '' ? NaN : Number(c)));
}

export function parseE4Signal(text: string, file: string, columns: number): Parsed<E4Signal> {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length < 2) return fail(`${file}: needs a start-time row and a sample-rate row`);
  const start = numbers(lines[0]!);
  const rate = numbers(lines[1]!);
  if (start.length !== columns || !start.every((v) => Number.isFinite(v) && v > 0))
    return fail(`${file} line 1: expected ${columns} start time(s) in Unix seconds`);
  if (
    rate.length !== columns ||
    !rate.every((v) => Number.isFinite(v) && v > 0 && v <= 10_000) ||
    rate.some((v) => v !== rate[0])
  )
    return fail(`${file} line 2: expected ${columns} equal sample rate(s) in Hz`);
  const count = lines.length - 2;
  const values = new Float64Array(count * columns);
  for (let i = 0; i < count; i++) {
    const row = numbers(lines[i + 2]!);
    if (row.length !== columns || !row.every(Number.isFinite))
      return fail(`${file} line ${i + 3}: expected ${columns} number(s), got "${lines[i + 2]!.slice(0, 60)}"`);
    values.set(row, i * columns);
  }
  return ok({ startMs: start[0]! * 1000, rateHz: rate[0]!, columns, values, count });
}

export function parseE4Ibi(text: string, file = 'IBI.csv'): Parsed<E4Ibi> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return fail(`${file}: empty`);
  const start = Number(lines[0]!.split(',')[0]);
  if (!Number.isFinite(start) || start <= 0)
    return fail(`${file} line 1: expected "start, IBI" with the start in Unix seconds`);
  const beats: E4Ibi['beats'] = [];
  for (let i = 1; i < lines.length; i++) {
    const [offset, ibi] = numbers(lines[i]!);
    if (!Number.isFinite(offset) || !Number.isFinite(ibi) || offset! < 0 || ibi! <= 0 || ibi! > 5)
      return fail(`${file} line ${i + 1}: expected "offset_s,ibi_s" with 0 < ibi <= 5 s`);
    beats.push({ offsetMs: offset! * 1000, ibiS: ibi! });
  }
  return ok({ startMs: start * 1000, beats });
}
