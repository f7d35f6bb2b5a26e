/**
 * A session's stream as CSV (RFC 4180), streamed page by page so a long session never sits in
 * memory. Columns: `time` (ISO), `record` (table and id), then the record's fields in a
 * fixed order: those of the first page, then any that appear later are listed in a last
 * `extra` column as JSON. Text that a spreadsheet would run as a formula is prefixed with '.
 */
import type { Kysely } from 'kysely';
import type { CloudDatabase } from './schema.js';
import { decodeCursor, sessionData, type Cursor, type SessionRow } from './sessions.js';

const PAGE = 2000;

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let text = typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function sessionCsv(db: Kysely<CloudDatabase>, s: SessionRow, stream: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let columns: string[] | undefined;
  let after: Cursor | undefined;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return controller.close();
      const page = await sessionData(db, s, { stream, after, limit: PAGE });
      let out = '';
      if (!columns) {
        columns = [...new Set(page.items.flatMap((i) => Object.keys(i.data)))].sort();
        out += `${['time', 'record', ...columns, 'extra'].join(',')}\r\n`;
      }
      const known = new Set(columns);
      for (const item of page.items) {
        const extra = Object.fromEntries(Object.entries(item.data).filter(([k]) => !known.has(k)));
        out += `${[item.at, `${item.entity}/${item.id}`, ...columns.map((c) => item.data[c]), Object.keys(extra).length ? extra : null].map(csvCell).join(',')}\r\n`;
      }
      controller.enqueue(encoder.encode(out));
      if (!page.next) done = true;
      else after = decodeCursor(page.next);
    },
  });
}
