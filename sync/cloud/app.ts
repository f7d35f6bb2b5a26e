/**
 * `codance cloud`'s HTTP API (hono + @hono/zod-openapi): boxes enrol and push batches; the
 * dashboard pulls sessions. Every route resolves the resource to its organisation before
 * anything else, and a caller from another organisation gets the same 404 as for a resource
 * that does not exist.
 */
import { gunzipSync } from 'node:zlib';
import { OpenAPIHono, createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { syncAck, syncBatch } from '../contract.js';
import { Accounts, type Principal } from './accounts.js';
import * as c from './contracts.js';
import { CloudError, forbidden, notFound } from './errors.js';
import { ingest, SeqOutOfRange } from './ingest.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.js';
import type { CloudDatabase } from './schema.js';
import { boxChecksums, decodeCursor, listSessions, sessionById, sessionData, sessionSummary } from './sessions.js';
import { sessionDancers } from './session-dancers.js';
import { sessionCsv } from './session-csv.js';
import { sessionTimeline } from './session-timeline.js';
import { mountPage } from '../web/pages.js';

export interface CloudAppDeps {
  db: Kysely<CloudDatabase>;
  version: string;
  now?: () => number;
  log?: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Compressed ingest bodies above this are 413 (the box halves its batches). */
  maxIngestBytes?: number;
}

type Env = { Variables: { principal: Principal | undefined } };
type Access = 'public' | 'signed-in' | 'box';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, json(c.errorBody, 'error')]));

export function cloudApp(deps: CloudAppDeps): OpenAPIHono<Env> {
  const now = deps.now ?? Date.now;
  const accounts = new Accounts(deps.db, now);
  const maxIngest = deps.maxIngestBytes ?? 32 * 1024 * 1024;
  const loginLimiter = new RateLimiterMemory({ points: 10, duration: 900 });
  // A code has 31^10 ≈ 8·10^14 values: the limit is against floods, not guessing.
  const enrolLimiter = new RateLimiterMemory({ points: 60, duration: 900 });
  const app = new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success)
        throw invalid(
          result.target === 'json' ? 'body' : result.target === 'param' ? 'path' : result.target,
          result.error.issues,
        );
    },
  });

  const principal = (ctx: Context<Env>): Principal => {
    const p = ctx.get('principal');
    if (!p)
      throw new CloudError(
        401,
        'unauthorized',
        'a valid bearer token is required (POST /api/v1/auth/login, or a box credential)',
      );
    return p;
  };
  const user = (ctx: Context<Env>) => {
    const p = principal(ctx);
    if (p.kind !== 'user') throw forbidden('this needs a dashboard user, not a box credential');
    return p;
  };

  function route<R extends RouteConfig>(
    access: Access,
    config: R,
    handler: (ctx: Context<Env>) => Promise<Response>,
  ): void {
    const security = access === 'public' ? [] : [{ bearer: [] }];
    const guard = async (ctx: Context<Env>, next: () => Promise<void>) => {
      const auth = ctx.req.header('authorization');
      const p = await accounts.principal(auth?.match(/^Bearer\s+(\S+)$/i)?.[1]);
      ctx.set('principal', p);
      if (access !== 'public') principal(ctx);
      if (access === 'box' && p?.kind !== 'box') throw forbidden('this needs a box credential (enrol the box first)');
      await next();
    };
    app.openapi(createRoute({ ...config, security, middleware: [guard] as never }), handler as never);
  }

  // Plain JSON bodies are scanned for depth before any route parses them (gzip ingest is scanned after inflating).
  app.use('/api/v1/*', async (ctx, next) => {
    if (!/json/i.test(ctx.req.header('content-type') ?? '') || ctx.req.header('content-encoding')) return next();
    if (nestsDeeperThan(await ctx.req.text(), MAX_JSON_DEPTH))
      throw new CloudError(
        422,
        'too_deep',
        `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels, the limit for request bodies`,
        'body',
      );
    return next();
  });

  app.get('/health', (ctx) => ctx.json({ status: 'ok', version: deps.version }));

  route(
    'public',
    {
      method: 'post',
      path: '/api/v1/auth/login',
      tags: ['auth'],
      summary: 'Log a dashboard user in',
      request: { body: body(c.loginIn) },
      responses: { 200: json(c.loginOut, 'a bearer token'), ...errors(401, 422, 429) },
    },
    async (ctx) => {
      const input = c.loginIn.parse(await ctx.req.json());
      await limit(loginLimiter, `${input.email.toLowerCase()}|${peer(ctx)}`);
      const t = await accounts.login(input.email, input.password);
      if (!t) throw new CloudError(401, 'invalid_credentials', 'wrong email or password');
      return ctx.json({ access_token: t.token, token_type: 'bearer' as const, expires_in: t.expiresIn }, 200);
    },
  );

  route(
    'public',
    {
      method: 'post',
      path: '/api/v1/enrol',
      tags: ['boxes'],
      summary: 'Enrol a box with a one-time code; answers its credential once',
      request: { body: body(c.enrolIn) },
      responses: { 201: json(c.enrolOut, 'enrolled'), ...errors(403, 409, 422, 429) },
    },
    async (ctx) => {
      const input = c.enrolIn.parse(await ctx.req.json());
      await limit(enrolLimiter, peer(ctx));
      const r = await accounts.enrol(input.code, input.box, input.name);
      deps.log?.info({ box: input.box, venue: r.venueId }, 'box enrolled');
      return ctx.json({ token: r.token, box: input.box, venue_id: r.venueId, org_id: r.orgId }, 201);
    },
  );

  route(
    'box',
    {
      method: 'post',
      path: '/api/v1/ingest',
      tags: ['boxes'],
      summary: 'A batch of outbox records (gzip or plain JSON); idempotent by (box, seq)',
      description:
        'Body: a SyncBatch (`{ box, sent_at, records: [{ seq, entity, id, op, data? }] }`), usually with `Content-Encoding: gzip`. A record replaces the stored one only if its seq is newer.',
      responses: { 200: json(syncAck, 'acknowledged'), ...errors(401, 403, 413, 415, 422) },
    },
    async (ctx) => {
      const box = principal(ctx) as Extract<Principal, { kind: 'box' }>;
      const raw = Buffer.from(await ctx.req.arrayBuffer());
      if (raw.length > maxIngest)
        throw new CloudError(
          413,
          'payload_too_large',
          `the batch is ${raw.length} bytes; at most ${maxIngest} (send smaller batches)`,
        );
      const encoding = (ctx.req.header('content-encoding') ?? 'identity').toLowerCase();
      let text: string;
      try {
        text =
          encoding === 'gzip'
            ? gunzipSync(raw, { maxOutputLength: maxIngest * 8 }).toString('utf8')
            : encoding === 'identity'
              ? raw.toString('utf8')
              : '';
      } catch (err) {
        throw new CloudError(
          encoding === 'gzip' && /Cannot create a Buffer larger|maxOutputLength/.test((err as Error).message)
            ? 413
            : 400,
          'bad_body',
          `the gzip body could not be read: ${(err as Error).message}`,
        );
      }
      if (encoding !== 'gzip' && encoding !== 'identity')
        throw new CloudError(415, 'unsupported_encoding', `content-encoding ${encoding}: send gzip or none`);
      if (nestsDeeperThan(text, MAX_JSON_DEPTH))
        throw new CloudError(
          422,
          'too_deep',
          `the batch nests deeper than ${MAX_JSON_DEPTH} levels, the limit for request bodies`,
          'body',
        );
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CloudError(400, 'bad_json', 'the batch is not JSON');
      }
      const batch = syncBatch.safeParse(parsed);
      if (!batch.success) throw invalid('body', batch.error.issues);
      if (batch.data.box !== box.uid)
        throw forbidden(`this credential belongs to box ${box.uid}, not ${batch.data.box}`);
      try {
        return ctx.json(await ingest(deps.db, box.id, batch.data, now()), 200);
      } catch (err) {
        if (err instanceof SeqOutOfRange) throw new CloudError(422, 'seq_out_of_range', err.message, 'body.records');
        throw err;
      }
    },
  );

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/orgs',
      tags: ['organisations'],
      summary: 'The organisations you belong to',
      responses: { 200: json(c.orgOut.array(), 'organisations'), ...errors(401) },
    },
    async (ctx) => {
      const p = principal(ctx);
      const ids = p.kind === 'box' ? [p.orgId] : [...p.roles.keys()];
      if (ids.length === 0) return ctx.json([], 200);
      const rows = await deps.db
        .selectFrom('orgs')
        .select(['id', 'name'])
        .where('id', 'in', ids)
        .orderBy('id')
        .execute();
      return ctx.json(
        rows.map((o) => ({ ...o, role: p.kind === 'box' ? ('box' as const) : p.roles.get(o.id)! })),
        200,
      );
    },
  );

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/orgs/{id}/venues',
      tags: ['organisations'],
      summary: "An organisation's venues",
      request: { params: c.idParam },
      responses: { 200: json(c.venueOut.array(), 'venues'), ...errors(401, 404) },
    },
    async (ctx) => {
      const p = principal(ctx);
      const orgId = c.idParam.parse(ctx.req.param()).id;
      accounts.orgAccess(p, orgId, 'viewer');
      let q = deps.db.selectFrom('venues').select(['id', 'org_id', 'name']).where('org_id', '=', orgId);
      if (p.kind === 'box') q = q.where('id', '=', p.venueId);
      return ctx.json(await q.orderBy('id').execute(), 200);
    },
  );

  route(
    'signed-in',
    {
      method: 'post',
      path: '/api/v1/orgs/{id}/venues',
      tags: ['organisations'],
      summary: 'Add a venue (admin)',
      request: { params: c.idParam, body: body(c.venueIn) },
      responses: { 201: json(c.venueOut, 'the venue'), ...errors(401, 403, 404, 409, 422) },
    },
    async (ctx) => {
      const orgId = c.idParam.parse(ctx.req.param()).id;
      accounts.orgAccess(user(ctx), orgId, 'admin');
      const { name } = c.venueIn.parse(await ctx.req.json());
      const id = await accounts.createVenue(orgId, name);
      return ctx.json({ id, org_id: orgId, name }, 201);
    },
  );

  route(
    'signed-in',
    {
      method: 'post',
      path: '/api/v1/orgs/{id}/members',
      tags: ['organisations'],
      summary: 'Add a member or change their role (owner)',
      request: { params: c.idParam, body: body(c.memberIn) },
      responses: { 204: { description: 'done' }, ...errors(401, 403, 404, 409, 422) },
    },
    async (ctx) => {
      const orgId = c.idParam.parse(ctx.req.param()).id;
      accounts.orgAccess(user(ctx), orgId, 'owner');
      const m = c.memberIn.parse(await ctx.req.json());
      await accounts.addMember(orgId, m.email, m.role, m.password);
      return ctx.body(null, 204);
    },
  );

  route(
    'signed-in',
    {
      method: 'post',
      path: '/api/v1/venues/{id}/enrolment-codes',
      tags: ['boxes'],
      summary: 'A one-time code to enrol a box at this venue, valid 24 h (admin)',
      request: { params: c.idParam },
      responses: { 201: json(c.codeOut, 'the code (shown once)'), ...errors(401, 403, 404) },
    },
    async (ctx) => {
      const u = user(ctx);
      const venue = await accounts.venueAccess(u, c.idParam.parse(ctx.req.param()).id, 'admin');
      const code = await accounts.enrolmentCode(venue.id, u.id);
      return ctx.json({ code: code.code, venue_id: venue.id, expires_at: new Date(code.expiresAt).toISOString() }, 201);
    },
  );

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/venues/{id}/boxes',
      tags: ['boxes'],
      summary: "A venue's boxes and when each last synced",
      request: { params: c.idParam },
      responses: { 200: json(c.boxOut.array(), 'boxes'), ...errors(401, 404) },
    },
    async (ctx) => {
      const venue = await accounts.venueAccess(principal(ctx), c.idParam.parse(ctx.req.param()).id, 'viewer');
      const rows = await deps.db
        .selectFrom('boxes')
        .select(['uid', 'name', 'venue_id', 'enrolled_at', 'last_seen_at', 'last_seq'])
        .where('venue_id', '=', venue.id)
        .orderBy('id')
        .execute();
      return ctx.json(
        rows.map((b) => ({
          ...b,
          enrolled_at: new Date(b.enrolled_at).toISOString(),
          last_seen_at: b.last_seen_at === null ? null : new Date(b.last_seen_at).toISOString(),
        })),
        200,
      );
    },
  );

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/venues/{id}/sessions',
      tags: ['sessions'],
      summary: "A venue's sessions (events), newest first",
      request: { params: c.idParam, query: c.pageQuery },
      responses: { 200: json(c.sessionsPage, 'a page of sessions'), ...errors(401, 404, 422) },
    },
    async (ctx) => {
      const venue = await accounts.venueAccess(principal(ctx), c.idParam.parse(ctx.req.param()).id, 'viewer');
      const q = query(ctx, c.pageQuery);
      return ctx.json(await listSessions(deps.db, venue.id, decodeCursor(q.after), q.limit), 200);
    },
  );

  const session = async (ctx: Context<Env>) => {
    const s = await sessionById(deps.db, c.idParam.parse(ctx.req.param()).id).catch((err: unknown) => {
      throw err instanceof CloudError ? err : notFound('session', ctx.req.param('id') ?? '');
    });
    await accounts.venueAccess(principal(ctx), s.venue_id, 'viewer').catch(() => {
      throw notFound('session', s.id);
    });
    return s;
  };

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/sessions/{id}',
      tags: ['sessions'],
      summary: "A session's summary: dancers, records per table, streams and their time ranges, crowd figures",
      request: { params: c.idParam },
      responses: { 200: json(c.summaryOut, 'the summary'), ...errors(401, 404) },
    },
    async (ctx) => {
      return ctx.json(await sessionSummary(deps.db, await session(ctx)), 200);
    },
  );

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/sessions/{id}/data',
      tags: ['sessions'],
      summary: "A session's data of one stream, in time order, paged",
      request: { params: c.idParam, query: c.dataQuery },
      responses: { 200: json(c.dataPage, 'a page of records'), ...errors(401, 404, 422) },
    },
    async (ctx) => {
      const s = await session(ctx);
      const q = query(ctx, c.dataQuery);
      return ctx.json(
        await sessionData(deps.db, s, {
          stream: q.stream,
          from: q.from,
          to: q.to,
          after: decodeCursor(q.after),
          limit: q.limit,
        }),
        200,
      );
    },
  );

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/sessions/{id}/dancers',
      tags: ['sessions'],
      summary: 'Per dancer of a session: heart rate, skin conductance, arousal and detected patterns',
      request: { params: c.idParam },
      responses: { 200: json(c.dancerSummaryOut.array(), 'one summary per dancer'), ...errors(401, 404) },
    },
    async (ctx) => {
      return ctx.json(await sessionDancers(deps.db, await session(ctx)), 200);
    },
  );

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/sessions/{id}/timeline',
      tags: ['sessions'],
      summary: 'Detected patterns (by name and dancer) and sound and visualization events of a session, in time order',
      request: { params: c.idParam, query: c.timelineQuery },
      responses: { 200: json(c.timelineOut, 'the timeline'), ...errors(401, 404, 422) },
    },
    async (ctx) => {
      const s = await session(ctx);
      return ctx.json(await sessionTimeline(deps.db, s, query(ctx, c.timelineQuery).limit), 200);
    },
  );

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/sessions/{id}/export.csv',
      tags: ['sessions'],
      summary: "One stream of a session as CSV (time, record, the record's fields)",
      request: { params: c.idParam, query: c.csvQuery },
      responses: {
        200: { description: 'text/csv, streamed', content: { 'text/csv': { schema: z.string() } } },
        ...errors(401, 404, 422),
      },
    },
    async (ctx) => {
      const s = await session(ctx);
      const q = query(ctx, c.csvQuery);
      const name = `${s.box_uid.slice(0, 8)}-event-${s.entity_id}-${q.stream}.csv`.replace(/[^\w.-]/g, '_');
      return new Response(sessionCsv(deps.db, s, q.stream), {
        status: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${name}"`,
          'cache-control': 'no-store',
        },
      });
    },
  );

  route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/boxes/{uid}/checksums',
      tags: ['boxes'],
      summary:
        'Per table: how many records the cloud holds for this box, and their SHA-256 (compare with `codance sync verify`)',
      request: { params: c.uidParam },
      responses: { 200: json(c.checksumsOut, 'per table'), ...errors(401, 404, 422) },
    },
    async (ctx) => {
      const uid = c.uidParam.parse(ctx.req.param()).uid;
      const box = await deps.db
        .selectFrom('boxes')
        .select(['id', 'venue_id'])
        .where('uid', '=', uid)
        .executeTakeFirst();
      if (!box) throw notFound('box', uid);
      const p = principal(ctx);
      if (p.kind === 'box' && p.id !== box.id) throw notFound('box', uid);
      await accounts.venueAccess(p, box.venue_id, 'viewer').catch(() => {
        throw notFound('box', uid);
      });
      return ctx.json(await boxChecksums(deps.db, box.id), 200);
    },
  );

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

/** The TCP peer (X-Forwarded-For is not trusted: anyone can send it). */
function peer(ctx: Context<Env>): string {
  const env = ctx.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

function query<T extends z.ZodType>(ctx: Context<Env>, schema: T): z.output<T> {
  const r = schema.safeParse(ctx.req.query());
  if (r.success) return r.data;
  throw invalid('query', r.error.issues);
}

/** 422 naming the first bad field, e.g. `body.records.0.entity: Invalid option`. */
function invalid(where: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): CloudError {
  const issue = issues[0];
  const path = [where, ...(issue?.path ?? []).map(String)].join('.');
  return new CloudError(422, 'validation_failed', `${path}: ${issue?.message ?? 'invalid'}`, path);
}

async function limit(limiter: RateLimiterMemory, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch {
    throw new CloudError(429, 'too_many_attempts', 'too many attempts; wait 15 minutes');
  }
}
