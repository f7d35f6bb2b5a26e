/**
 * The box's store as the daemon runs it: its write failures and disk level are health
 * components (one transition, so one log line, per change), and its stop says what was lost.
 */
import type { Config } from '../../config/index.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import type { Teardowns } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import { Store } from './store.js';

export interface StoreServiceDeps {
  health: HealthReporter;
  log: Logger;
  now: () => number;
}

export async function startStore(
  config: Config['store'],
  { health, log, now }: StoreServiceDeps,
  signal: AbortSignal,
  teardowns: Teardowns,
): Promise<Store> {
  const store: Store = new Store(config, now, {
    writes: (failing, reason) =>
      health.report(
        'store',
        failing
          ? {
              type: 'subsystem',
              state: 'error',
              detail: `writes failing: ${reason}; retried every second, samples that do not fit are counted as lost`,
              lastError: reason ?? undefined,
            }
          : { type: 'subsystem', state: 'connected', detail: store.path },
      ),
    disk: (level, detail) =>
      health.report('disk', { type: 'subsystem', state: level === 'ok' ? 'connected' : 'error', detail }),
  });
  await store.start(signal);
  teardowns.add('store', async () => {
    await store.stop();
    if (store.lostAtStop > 0)
      log.warn({ rows: store.lostAtStop }, 'rows still queued at stop were lost: the disk refused them');
  });
  health.report('store', { type: 'subsystem', state: 'connected', detail: store.path });
  log.info({ path: store.path, applied: store.migrations?.applied, boxId: store.boxId }, 'store ready');
  return store;
}
