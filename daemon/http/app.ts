/**
 * The box's HTTP app (hono). Routes are plain functions of injected deps, so tests call
 * `app.request()` with no socket. Every failure answers with the one error envelope.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ComponentHealth } from '../../drivers/health/registry.js';
import type { StoreHealth } from '../store/store.js';
import type { ApiInfo, Health } from './contracts.js';

export interface AppDeps {
  version: string;
  boxName: string;
  boxId(): string;
  startedAt: number;
  now(): number;
  storeHealth(): StoreHealth | undefined;
  components(): ComponentHealth[];
  log: { error(obj: object, msg: string): void };
}

/** The store is "down" when writes have failed and nothing has landed for this long. */
const STORE_STALE_MS = 5000;

export function buildHealth(deps: AppDeps): Health {
  const store = deps.storeHealth() ?? null;
  const components = deps.components();
  const byState: Record<string, number> = {};
  for (const c of components) byState[c.state] = (byState[c.state] ?? 0) + 1;
  const now = deps.now();
  const storeDown = !store || (store.lastError !== null && store.failedFlushes > 0 && (store.lastFlushAt === null || now - store.lastFlushAt > STORE_STALE_MS));
  const degraded = components.some((c) => c.state === 'error' || c.state === 'retrying') || (store?.droppedRows ?? 0) > 0;
  return {
    status: storeDown ? 'down' : degraded ? 'degraded' : 'ok',
    version: deps.version,
    uptimeS: Math.round((now - deps.startedAt) / 100) / 10,
    box: { name: deps.boxName, id: deps.boxId() },
    store,
    drivers: { total: components.length, byState, components },
  };
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.get('/', (c) => {
    const info: ApiInfo = {
      name: 'codance',
      version: deps.version,
      box: deps.boxName,
      links: { health: '/health' },
    };
    return c.json(info);
  });

  app.get('/health', (c) => {
    const health = buildHealth(deps);
    // 503 only when the store cannot take data: a supervisor or load balancer should act then.
    return c.json(health, health.status === 'down' ? 503 : 200);
  });

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      return c.json({ error: { code: 'http_error', message: err.message } }, err.status);
    }
    // Log the cause for the technician; never send a stack trace to the client.
    deps.log.error({ err, path: c.req.path }, 'unhandled error in HTTP route');
    return c.json({ error: { code: 'internal', message: 'internal error; see the box log' } }, 500);
  });

  return app;
}
