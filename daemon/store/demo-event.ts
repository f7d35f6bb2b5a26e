/**
 * The demo's event: with simulated dancers and `simulation.demoEvent`, an event of that name
 * runs while the daemon does (begun at start, ended at stop), so what the demo records and
 * syncs belongs to a session the cloud dashboard lists. Made through the repositories, so the
 * event and its end reach the outbox like an API change, and announced on the bus.
 */
import type { Config } from '../../config/index.js';
import type { Bus } from '../bus.js';
import type { Teardowns } from '../lifecycle.js';
import { setEventTimes } from './repositories/events.js';
import { insertRecord } from './repositories/records.js';
import { Sql } from './sql.js';
import type { Store } from './store.js';

/** Until the daemon stops; a daemon killed outright leaves its demo event open this long. */
const OPEN_FOR_MS = 12 * 3600_000;

export function runDemoEvent(
  simulation: Config['simulation'],
  bus: Bus,
  store: Store,
  now: () => number,
  teardowns: Teardowns,
): void {
  const name = simulation.demoEvent;
  if (!name || simulation.dancers === 0) return;
  const sql = new Sql(store.sqlite, store.db, now, (table, id) => bus.emit('record', { table, id }));
  const startedAt = now();
  const id = insertRecord(sql, 'events', {
    name,
    description: `${simulation.dancers} simulated dancers at ${simulation.bpm} bpm, live while the demo daemon runs`,
    starts_at: startedAt,
    ends_at: startedAt + OPEN_FOR_MS,
    is_active: 1,
    created_at: startedAt,
    updated_at: startedAt,
  });
  teardowns.add('demo-event', () => setEventTimes(sql, id, startedAt, Math.max(startedAt, now())));
}
