/**
 * Rows ↔ API records. The API speaks ISO 8601 times, JSON objects and booleans; the store
 * keeps epoch ms, JSON text and 0/1. Field names are the column names in both.
 */
export type Kind = 'plain' | 'time' | 'json' | 'bool';
export type Columns = Readonly<Record<string, Kind>>;
export type Row = Record<string, unknown>;

const iso = (v: unknown): string | null => (typeof v === 'number' ? new Date(v).toISOString() : null);

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return null; // a hand-edited or corrupt cell must not take the endpoint down
  }
}

export function toApi(columns: Columns, row: Row): Row {
  const out: Row = {};
  for (const [name, kind] of Object.entries(columns)) {
    const v = row[name];
    out[name] =
      kind === 'time' ? iso(v) : kind === 'json' ? parseJson(v) : kind === 'bool' ? v === 1 || v === true : (v ?? null);
  }
  return out;
}

/** Only the columns present in `input` (an update touches what it names and nothing else). */
export function toRow(columns: Columns, input: Row): Row {
  const out: Row = {};
  for (const [name, value] of Object.entries(input)) {
    const kind = columns[name];
    if (kind === undefined || value === undefined) continue;
    if (value === null) out[name] = null;
    else if (kind === 'time') out[name] = typeof value === 'string' ? Date.parse(value) : value;
    else if (kind === 'json') out[name] = JSON.stringify(value);
    else if (kind === 'bool') out[name] = value ? 1 : 0;
    else out[name] = value;
  }
  return out;
}
