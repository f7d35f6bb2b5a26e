/**
 * The files of a dancer's export, each an async generator of text read page by page from the
 * store: JSON arrays for records, CSV (RFC 4180) for readings, one CSV per raw stream decoded
 * from its chunks. Each counts what it wrote, for the manifest.
 */
import { RAW_STREAMS, type RawStream } from '../../config/signals.js';
import { dancerRows, wornChunks, type DancerTable } from '../store/repositories/dancer-data.js';
import type { Sql } from '../store/sql.js';
import { csvCell } from '../../sync/cloud/session-csv.js';

type Row = Record<string, unknown>;
export type Lines = AsyncGenerator<string, void, undefined>;

const PAGE = 2000;
const iso = (ms: unknown): string => (typeof ms === 'number' ? new Date(ms).toISOString() : '');

const csvLine = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** Pages of the dancer's rows of `table`, yielding to the event loop between pages. */
async function* pages(sql: Sql, table: DancerTable, userId: number): AsyncGenerator<Row[]> {
  let after = 0;
  for (;;) {
    const rows = dancerRows(sql, table, userId, after, PAGE);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id as number;
    await new Promise((r) => setImmediate(r));
  }
}

/** A JSON array of the dancer's rows of `table`, each made readable by `shape`. */
export async function* jsonRecords(
  sql: Sql,
  table: DancerTable,
  userId: number,
  count: (n: number) => void,
  shape: (r: Row) => Row = (r) => r,
): Lines {
  let first = true;
  yield '[';
  for await (const rows of pages(sql, table, userId)) {
    for (const r of rows) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(shape(r))}`;
      first = false;
    }
    count(rows.length);
  }
  yield first ? ']\n' : '\n]\n';
}

/** One CSV of the dancer's rows: a header, then one line per row. */
export async function* csvRecords(
  sql: Sql,
  table: DancerTable,
  userId: number,
  header: string[],
  line: (r: Row) => unknown[],
  count: (n: number) => void,
): Lines {
  yield csvLine(header);
  for await (const rows of pages(sql, table, userId)) {
    yield rows.map((r) => csvLine(line(r))).join('');
    count(rows.length);
  }
}

export const timeCells = (ms: unknown): unknown[] => [iso(ms), ms];

/** Channel names of a raw stream in its CSV. */
export function channelNames(stream: string, channels: number): string[] {
  if (channels === 3) return ['x', 'y', 'z'];
  if (channels === 1) return ['value'];
  return Array.from({ length: channels }, (_, i) => `ch${i + 1}`);
}

export interface Worn {
  deviceId: number;
  deviceKey: string;
  from: number;
  to: number;
}

/**
 * One raw stream's samples while the dancer wore each band: a line per sample with its time
 * (the chunk's start plus index / rate), the band, its index in the band's stream, and one
 * column per channel in the registry's unit.
 */
export async function* rawSamples(
  sql: Sql,
  stream: RawStream,
  worn: readonly Worn[],
  count: (chunks: number, samples: number) => void,
): Lines {
  const channels = RAW_STREAMS[stream].channels;
  yield csvLine(['time', 'time_ms', 'device', 'index', ...channelNames(stream, channels)]);
  for (const w of worn) {
    let after = 0;
    for (;;) {
      const chunks = wornChunks(sql, stream, w, after, 50);
      if (chunks.length === 0) break;
      let out = '';
      let samples = 0;
      let taken = 0;
      for (const c of chunks) {
        if (c.encoding !== 'f32le') continue;
        taken++;
        for (let i = 0; i < c.sample_count; i++) {
          const t = c.started_at + (i * 1000) / c.rate_hz;
          const values: number[] = [];
          for (let ch = 0; ch < c.channels; ch++) values.push(c.data.readFloatLE((i * c.channels + ch) * 4));
          out += csvLine([iso(t), Math.round(t * 10) / 10, w.deviceKey, c.first_index + i, ...values]);
          samples++;
        }
      }
      if (out) yield out;
      count(taken, samples);
      after = chunks[chunks.length - 1]!.id;
      await new Promise((r) => setImmediate(r));
    }
  }
}
