/**
 * The box's HTTP app (hono). Routes are plain functions of injected deps, so tests call
 * `app.request()` with no socket. Every failure answers with the one error envelope.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ComponentHealth } from '../../drivers/health/registry.js';
import type { Context } from 'hono';
import type { StoreHealth } from '../store/store.js';
import type { SyncStatus } from '../../sync/sync-client.js';
import type { ApiInfo, Health } from './contracts.js';
import { mountDocs } from '../api/docs.js';
import { mountPage } from '../../sync/web/pages.js';
import { errorJson, toApiError } from '../api/errors.js';
import { mountApi, type ApiDeps } from '../api/index.js';
import { newApiApp, type ApiEnv, type ApiRouter } from '../api/router.js';
import { Registry } from 'prom-client';
import { metricsRegistry } from './metrics.js';

export interface AppDeps {
  version: string;
  boxName: string;
  boxId(): string;
  startedAt: number;
  now(): number;
  storeHealth(): StoreHealth | undefined;
  components(): ComponentHealth[];
  /** Cloud sync's status, when sync is enabled. */
  sync?(): SyncStatus;
  log: AppLog;
  /** More metrics registries served at /metrics with the daemon's own. */
  metrics?: Registry[];
  /** The /api/v1 routes; absent when the store is not open (e.g. unit tests of the root routes). */
  api?: ApiDeps & { maxBodyBytes: number };
  /**
   * Whether a request may see /metrics and the details of /health (store path, cloud, device
   * ids): loopback and `http.trusted` in the daemon. Others get the status alone. Unset: all may.
   */
  trusted?(c: Context): boolean;
}

export interface AppLog {
  error(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface App {
  app: OpenAPIHono<ApiEnv>;
  /** The route table with each route's access rule (undefined without the API). */
  router: ApiRouter | undefined;
}

/** The store is "down" when writes have failed and nothing has landed for this long. */
const STORE_STALE_MS = 5000;

function describeError(err: unknown): { type: string; message: string; at?: string } {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err) };
  const at = err.stack
    ?.split('\n')
    .find((l) => l.trimStart().startsWith('at '))
    ?.trim()
    .slice(3);
  return at ? { type: err.name, message: err.message, at } : { type: err.name, message: err.message };
}

/**
 * The box's one-word status from the store and the components: `down` when writes fail for a
 * reason the disk guard is not handling and nothing has landed for a while; `degraded` while
 * anything asked for cannot do its job, writes fail, or the guard sheds; else `ok`.
 */
export function healthStatus(
  store: StoreHealth | null,
  components: readonly ComponentHealth[],
  now: number,
): Health['status'] {
  const shedding = store?.disk !== undefined && store.disk.level !== 'ok';
  const storeDown =
    !store || (store.failing && !shedding && (store.lastFlushAt === null || now - store.lastFlushAt > STORE_STALE_MS));
  // Any component that was asked for and cannot do its job (a radio missing, a port without ALSA) degrades the box.
  const degraded =
    components.some((c) => c.state === 'error' || c.state === 'retrying' || c.state === 'unavailable') ||
    (store !== null && (store.failing || shedding));
  return storeDown ? 'down' : degraded ? 'degraded' : 'ok';
}

export function buildHealth(deps: AppDeps): Health {
  const store = deps.storeHealth() ?? null;
  const components = deps.components();
  const byState: Record<string, number> = {};
  for (const c of components) byState[c.state] = (byState[c.state] ?? 0) + 1;
  const now = deps.now();
  return {
    status: healthStatus(store, components, now),
    version: deps.version,
    uptimeS: Math.round((now - deps.startedAt) / 100) / 10,
    box: { name: deps.boxName, id: deps.boxId() },
    store,
    ...(deps.sync && { sync: deps.sync() }),
    drivers: { total: components.length, byState, components },
  };
}

export function createApp(deps: AppDeps): App {
  const app = newApiApp();

  // One line per request: method, path (never the query or body), status, time, user id.
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      user: c.get('user')?.id,
    };
    if (status >= 400 && status < 500) deps.log.info?.(line, 'http request refused');
    else deps.log.debug?.(line, 'http request');
  });

  app.get('/', (c) => {
    const info: ApiInfo = {
      name: 'codance',
      version: deps.version,
      box: deps.boxName,
      links: {
        console: '/console',
        health: '/health',
        metrics: '/metrics',
        api: '/api/v1',
        openapi: '/openapi.json',
        docs: '/docs',
      },
    };
    return c.json(info);
  });

  const trusted = (c: Context): boolean => (deps.trusted ? deps.trusted(c) : true);
  app.get('/health', (c) => {
    const health = buildHealth(deps);
    // 503 only when the store cannot take data: a supervisor or load balancer should act then.
    const status = health.status === 'down' ? 503 : 200;
    if (!trusted(c)) return c.json({ status: health.status, version: health.version, uptimeS: health.uptimeS }, status);
    return c.json(health, status);
  });

  // Prometheus text format; public like /health (the box serves localhost unless told otherwise).
  // Other parts of the box (the room's latency histograms) own their metrics; one endpoint serves all.
  const metrics = deps.metrics?.length
    ? Registry.merge([metricsRegistry(deps), ...deps.metrics])
    : metricsRegistry(deps);
  app.get('/metrics', async (c) => {
    if (!trusted(c))
      return errorJson(c, 403, {
        code: 'forbidden',
        message: 'metrics are served to loopback and the addresses in http.trusted only',
      });
    return c.body(await metrics.metrics(), 200, { 'content-type': metrics.contentType });
  });

  let router: ApiRouter | undefined;
  if (deps.api) {
    router = mountApi(app, deps.api);
    // What `/` links to: the API's resources (from the route table), and where its description is.
    const resources = [...new Set(router.rules.map((r) => /^\/api\/v1\/[^/{]+/.exec(r.path)?.[0] ?? ''))]
      .filter(Boolean)
      .sort();
    app.get('/api/v1', (c) => c.json({ version: 'v1', openapi: '/openapi.json', docs: '/docs', resources }));
    mountDocs(app, { version: deps.version, boxName: deps.boxName });
    mountPage(app, {
      path: '/console',
      title: `${deps.boxName} · Codance console`,
      bundle: 'console',
      noscript: 'The console needs JavaScript.',
    });
  }

  app.notFound((c) => errorJson(c, 404, { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }));

  app.onError((err, c) => {
    const known = toApiError(err);
    if (known) {
      const { code, message, field } = known;
      return errorJson(c, known.status, field ? { code, message, field } : { code, message }, known.headers);
    }
    // The technician gets the cause and where it was thrown; no full stack trace goes to the
    // log or the client (it can carry values from the request).
    deps.log.error(
      { error: describeError(err), method: c.req.method, path: c.req.path },
      'unhandled error in HTTP route',
    );
    return errorJson(c, 500, { code: 'internal', message: 'internal error; see the box log' });
  });

  return { app, router };
}
