/**
 * The store's place on the bus: consent guards every sample, model output and detection
 * before anyone sees it; the store keeps what passes and learns of each device; a change to a
 * consent or an assignment makes the gate ask again at once; the current event is a cached
 * read refreshed when an events record changes. Each subscription is a teardown.
 */
import type { Config } from '../../config/index.js';
import type { Bus } from '../bus.js';
import type { Teardowns } from '../lifecycle.js';
import { currentEvent } from './repositories/events.js';
import { CachedRead } from './cached-read.js';
import { runDemoEvent } from './demo-event.js';
import type { Store } from './store.js';

/** Read at most this often even when no change is announced (an event starts by the clock too). */
const EVENT_TTL_MS = 10_000;

export function connectStore(
  bus: Bus,
  store: Store,
  now: () => number,
  teardowns: Teardowns,
  simulation?: Config['simulation'],
): { currentEvent: CachedRead<number | null> } {
  const consent = store.consent;
  teardowns.add(
    'consent',
    bus.guard('sample', (s) => consent.sample(s)),
  );
  teardowns.add(
    'consent',
    bus.guard('inference', (r) => consent.biometrics(r.deviceKey)),
  );
  teardowns.add(
    'consent',
    bus.guard('pattern', (p) => consent.movement(p.deviceKey)),
  );
  teardowns.add(
    'consent',
    bus.on('record', (c) => {
      if (c.table === 'users' || c.table === 'device_assignments' || c.table === 'erasures') consent.refresh();
      if (['device_assignments', 'registrations', 'events', 'erasures'].includes(c.table)) store.slots.refresh();
    }),
  );
  teardowns.add(
    'store:bus',
    bus.on('device', (d) => store.registerDevice(d)),
  );
  teardowns.add(
    'store:bus',
    bus.on('sample', (s) => store.write(s)),
  );
  const sqlite = store.sqlite;
  if (simulation) runDemoEvent(simulation, bus, store, now, teardowns);
  const event = new CachedRead(() => currentEvent(sqlite, now()), {
    bus,
    tables: ['events'],
    ttlMs: EVENT_TTL_MS,
    now,
  });
  teardowns.add('current-event', () => event.close());
  store.slots.followEvent(() => event.get());
  store.slots.refresh();
  return { currentEvent: event };
}
