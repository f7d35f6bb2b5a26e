/**
 * The API's cost over the database: paging through an event's movement records as an
 * admin (token check, user lookup, validation, keyset query, JSON) against the same
 * keyset query run and serialised straight from better-sqlite3.
 */
import { apiHarness, type ApiHarness } from '../helpers/api-app.js';

const ROWS = 20_000;
const PAGE = 100;

export async function setupApi(): Promise<{ h: ApiHarness; eventId: number }> {
  const h = await apiHarness();
  const eventId = h.sql.run(
    h.sql.db.insertInto('events').values({ name: 'bench', starts_at: 0, ends_at: 1, created_at: 0, updated_at: 0 }),
  ).id;
  const insert = h.sql.sqlite.prepare(
    `INSERT INTO movement_data (event_id, user_id, recorded_at, data_type, coordinates, velocity, acceleration, crowd_density, intensity, source) VALUES (?, ?, ?, 'wrist_summary', '{"x":1.5,"y":2.5}', 0.4, 1.2, 0.3, 0.5, 'sim')`,
  );
  h.sql.tx(() => {
    for (let i = 0; i < ROWS; i++) insert.run(eventId, h.ids.dancer, 1_700_000_000_000 + i * 100);
  });
  return { h, eventId };
}

/** Pages/s through every record over the API. */
export async function apiPaging(h: ApiHarness, eventId: number): Promise<number> {
  const started = performance.now();
  let pages = 0;
  let cursor: string | null = null;
  do {
    const res: { status: number; body: unknown } = await h.call('/api/v1/movement/data', {
      token: h.tokens.admin,
      query: { event_id: eventId, limit: PAGE, ...(cursor ? { cursor } : {}) },
    });
    if (res.status !== 200) throw new Error(`bench request failed: ${res.status}`);
    cursor = (res.body as { next_cursor: string | null }).next_cursor;
    pages++;
  } while (cursor);
  return pages / ((performance.now() - started) / 1000);
}

/** Pages/s of the same keyset query and JSON, with no HTTP layer. */
export function rawPaging(h: ApiHarness, eventId: number): Promise<number> {
  const stmt = h.sql.sqlite.prepare(
    'SELECT * FROM movement_data WHERE event_id = ? AND (recorded_at > ? OR (recorded_at = ? AND id > ?)) ORDER BY recorded_at, id LIMIT ?',
  );
  const started = performance.now();
  let pages = 0;
  let t = -1;
  let id = 0;
  for (;;) {
    const rows = stmt.all(eventId, t, t, id, PAGE + 1) as { recorded_at: number; id: number; coordinates: string }[];
    const items = rows.slice(0, PAGE).map((r) => ({
      ...r,
      coordinates: JSON.parse(r.coordinates) as unknown,
      recorded_at: new Date(r.recorded_at).toISOString(),
    }));
    JSON.stringify({ items });
    pages++;
    const last = rows[PAGE - 1];
    if (rows.length <= PAGE || !last) break;
    t = last.recorded_at;
    id = last.id;
  }
  return Promise.resolve(pages / ((performance.now() - started) / 1000));
}
