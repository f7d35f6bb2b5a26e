/**
 * Wires cloud sync into the box: the SQLite outbox, the sync client, its health component
 * (`sync`) and its metrics. The client runs whether or not the uplink is up; with no
 * enrolment it reports `stopped` and waits for `codance sync enrol`.
 */
import { Gauge, Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import type { HealthRegistry } from '../drivers/health/registry.js';
import { SyncClient, type SyncState } from '../sync/sync-client.js';
import type { Teardowns } from './lifecycle.js';
import type { Logger } from './logger.js';
import { SqliteOutbox } from './store/outbox.js';
import type { Store } from './store/store.js';

export interface CloudSync {
  client: SyncClient;
  outbox: SqliteOutbox;
  metrics: Registry;
}

/** Not enrolled is the box's choice (it works offline), not a fault: `stopped`, which leaves /health ok. */
const healthState: Record<SyncState, 'connected' | 'retrying' | 'stopped'> = {
  idle: 'connected',
  sending: 'connected',
  backoff: 'retrying',
  not_enrolled: 'stopped',
  stopped: 'stopped',
};

export function buildCloudSync(
  config: Config['sync'],
  store: Store,
  health: HealthRegistry,
  log: Logger,
  now: () => number,
): CloudSync {
  const outbox = new SqliteOutbox(store.sqlite, store.boxId, { pseudonymise: config.pseudonymise });
  let last: SyncState | undefined;
  const client = new SyncClient(config, outbox, {
    now,
    state: (state, detail) => {
      health.report('sync', { type: 'subsystem', state: healthState[state], detail });
      if (state !== last && (state === 'backoff' || last === 'backoff'))
        (state === 'backoff' ? log.warn : log.info).call(log, { state, detail }, `cloud sync ${state}`);
      last = state;
    },
  });
  const metrics = new Registry();
  const gauge = (name: string, help: string, read: (s: ReturnType<SyncClient['status']>) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [metrics],
      collect() {
        const v = read(client.status());
        if (v === null) this.reset();
        else this.set(v);
      },
    });
  gauge('codance_sync_backlog_entries', 'outbox entries not yet acknowledged by the cloud', (s) => s.backlog.entries);
  gauge('codance_sync_backlog_bytes', 'estimated JSON bytes of the unsent backlog', (s) => s.backlog.bytes);
  gauge(
    'codance_sync_oldest_unsent_age_seconds',
    'age of the oldest unsent outbox entry',
    (s) => s.backlog.oldestUnsentAgeS,
  );
  gauge('codance_sync_last_success_timestamp_seconds', 'when the cloud last acknowledged a batch', (s) =>
    s.lastSuccessAt === null ? null : s.lastSuccessAt / 1000,
  );
  gauge('codance_sync_consecutive_failures', 'failed attempts since the last success', (s) => s.consecutiveFailures);
  gauge('codance_sync_sent_records', 'records acknowledged by the cloud since start', (s) => s.sent.records);
  gauge(
    'codance_sync_sent_wire_bytes',
    'compressed bytes acknowledged by the cloud since start',
    (s) => s.sent.wireBytes,
  );
  return { client, outbox, metrics };
}

/** Cloud sync when `sync.enabled`: drains the outbox to the enrolled cloud whenever the uplink allows. */
export async function startCloudSync(
  config: Config['sync'],
  deps: { store: Store; health: HealthRegistry; log: Logger; now: () => number },
  signal: AbortSignal,
  teardowns: Teardowns,
): Promise<CloudSync | undefined> {
  if (!config.enabled) return undefined;
  const sync = buildCloudSync(config, deps.store, deps.health, deps.log, deps.now);
  // Registered after the store, so it stops before the store closes.
  await teardowns.start(sync.client, signal);
  return sync;
}
