/**
 * `codance cloud`'s HTTP API (hono + @hono/zod-openapi): boxes enrol and push batches; the
 * dashboard pulls sessions. Every route resolves the resource to its organisation before
 * anything else, and a caller from another organisation gets the same 404 as for a resource
 * that does not exist.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { Accounts } from './accounts.js';
import { CloudError } from './errors.js';
import { cloudRouter, type CloudEnv } from './router.js';
import { boxRoutes } from './routes/boxes.js';
import { orgRoutes } from './routes/orgs.js';
import { privacyRoutes } from './routes/privacy.js';
import { sessionRoutes } from './routes/sessions.js';
import type { CloudDatabase } from './schema.js';
import { mountPage } from '../web/pages.js';
import pLimit from 'p-limit';
import { Partitions } from './partitions.js';
import { memoryLimiters, type LimiterFactory } from './rate-limits.js';

export interface CloudAppDeps {
  db: Kysely<CloudDatabase>;
  /** A streaming replica of `db` for the dashboard's reads (`--read-replica`). */
  reads?: Kysely<CloudDatabase>;
  version: string;
  now?: () => number;
  log?: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Compressed ingest bodies above this are 413 (the box halves its batches). */
  maxIngestBytes?: number;
  /** Rate limits; in memory unless given (startCloud keeps them in the database). */
  limiters?: LimiterFactory;
  /** Load balancers whose X-Forwarded-For is believed (`--trust-proxy`). */
  trustedProxies?: readonly string[];
  /** This instance's name in the `Codance-Instance` response header (which instance answered). */
  instance?: string;
  /** Whether the database answers now, for `/ready`. */
  ready?: () => Promise<boolean>;
}

/**
 * Batches written at once by one instance. Each holds a pooled connection for its transaction;
 * with 10 per instance (sync/cloud/database.ts), the rest stay free for the dashboard's reads,
 * which would otherwise queue behind every batch in flight.
 */
export const INGEST_SLOTS = 6;

export function cloudApp(deps: CloudAppDeps): OpenAPIHono<CloudEnv> {
  const now = deps.now ?? Date.now;
  const r = cloudRouter({
    db: deps.db,
    reads: deps.reads ?? deps.db,
    partitions: new Partitions(deps.db),
    ingestSlots: pLimit(INGEST_SLOTS),
    accounts: new Accounts(deps.db, now),
    now,
    log: deps.log,
    limiters: deps.limiters ?? memoryLimiters,
    trustedProxies: deps.trustedProxies ?? [],
  });
  const app = r.app;
  if (deps.instance) {
    const instance = deps.instance;
    app.use(async (ctx, next) => {
      await next();
      ctx.header('codance-instance', instance);
    });
  }
  // Liveness: the process serves. Readiness (for a load balancer): the database answers too.
  app.get('/health', (ctx) => ctx.json({ status: 'ok', version: deps.version }));
  app.get('/ready', async (ctx) => {
    const ok = await (deps.ready ?? (() => Promise.resolve(true)))().catch(() => false);
    return ok
      ? ctx.json({ status: 'ready', version: deps.version }, 200)
      : ctx.json({ status: 'unavailable', reason: 'the database does not answer' }, 503);
  });
  boxRoutes(r, deps.maxIngestBytes ?? 32 * 1024 * 1024);
  orgRoutes(r);
  sessionRoutes(r);
  privacyRoutes(r);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Codance cloud',
      version: deps.version,
      description: 'Sync ingest for boxes and the pull API for the dashboard.',
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'a dashboard token (POST /api/v1/auth/login) or a box credential (cbx_…)',
  });

  mountPage(app, {
    path: '/dashboard',
    title: 'Codance dashboard',
    bundle: 'dashboard',
    noscript: 'The dashboard needs JavaScript.',
  });
  app.get('/', (ctx) => ctx.redirect('/dashboard'));

  app.notFound((ctx) =>
    ctx.json({ error: { code: 'not_found', message: `no route for ${ctx.req.method} ${ctx.req.path}` } }, 404),
  );
  app.onError((err, ctx) => {
    if (err instanceof CloudError)
      return ctx.json(
        { error: { code: err.code, message: err.message, ...(err.field && { field: err.field }) } },
        err.status,
      );
    if (err instanceof HTTPException)
      return ctx.json({ error: { code: 'bad_request', message: err.message } }, err.status as 400);
    if (err instanceof SyntaxError)
      return ctx.json({ error: { code: 'bad_json', message: 'the body is not JSON' } }, 400);
    deps.log?.error({ err: err.message, path: ctx.req.path }, 'unhandled error in cloud route');
    return ctx.json({ error: { code: 'internal', message: 'internal error; the cloud log has the cause' } }, 500);
  });
  return app;
}
