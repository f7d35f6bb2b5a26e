/** The routes boxes use (log in, enrol, ingest, checksums) and the ones admins use to manage boxes. */
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { syncAck, syncBatch } from '../../contract.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../json-depth.js';
import type { Principal } from '../accounts.js';
import * as c from '../contracts.js';
import { CloudError, forbidden, notFound } from '../errors.js';
import { ingest, SeqOutOfRange } from '../ingest.js';
import { TooManyDays } from '../partitions.js';
import { body, errors, invalid, json, limit, query, type CloudRouter } from '../router.js';
import { boxChecksums } from '../sessions.js';

/** Inflates off the event loop (libuv's thread pool), so other requests are not held up. */
const gunzip = promisify(gunzipCb);

export function boxRoutes(r: CloudRouter, maxIngest: number): void {
  const loginLimiter = r.limiters({ prefix: 'login', points: 10, duration: 900 });
  // A code has 31^10 ≈ 8·10^14 values: the limit is against floods, not guessing.
  const enrolLimiter = r.limiters({ prefix: 'enrol', points: 60, duration: 900 });

  r.route(
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
      await limit(loginLimiter, `${input.email.toLowerCase()}|${r.peer(ctx)}`);
      const t = await r.accounts.login(input.email, input.password);
      if (!t) throw new CloudError(401, 'invalid_credentials', 'wrong email or password');
      return ctx.json({ access_token: t.token, token_type: 'bearer' as const, expires_in: t.expiresIn }, 200);
    },
  );

  r.route(
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
      await limit(enrolLimiter, r.peer(ctx));
      const e = await r.accounts.enrol(input.code, input.box, input.name);
      r.log?.info({ box: input.box, venue: e.venueId }, 'box enrolled');
      return ctx.json({ token: e.token, box: input.box, venue_id: e.venueId, org_id: e.orgId }, 201);
    },
  );

  r.route(
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
      const box = r.principal(ctx) as Extract<Principal, { kind: 'box' }>;
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
            ? (await gunzip(raw, { maxOutputLength: maxIngest * 8 })).toString('utf8')
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
        // At most a few batches hold database connections at once: the rest of the pool serves the dashboard.
        return ctx.json(await r.ingestSlots(() => ingest(r.db, box.id, batch.data, r.now(), r.partitions)), 200);
      } catch (err) {
        if (err instanceof SeqOutOfRange) throw new CloudError(422, 'seq_out_of_range', err.message, 'body.records');
        if (err instanceof TooManyDays) throw new CloudError(422, 'too_many_days', err.message, 'body.records');
        throw err;
      }
    },
  );

  r.route(
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
      const u = r.user(ctx);
      const venue = await r.accounts.venueAccess(u, c.idParam.parse(ctx.req.param()).id, 'admin');
      const code = await r.accounts.enrolmentCode(venue.id, u.id);
      return ctx.json({ code: code.code, venue_id: venue.id, expires_at: new Date(code.expiresAt).toISOString() }, 201);
    },
  );

  r.route(
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
      const venue = await r.accounts.venueAccess(r.principal(ctx), c.idParam.parse(ctx.req.param()).id, 'viewer');
      const rows = await r.db
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

  r.route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/boxes/{uid}/checksums',
      tags: ['boxes'],
      summary:
        'Per table: how many records the cloud holds for this box, and their SHA-256 (compare with `codance sync verify`)',
      request: { params: c.uidParam, query: c.checksumsQuery },
      responses: { 200: json(c.checksumsOut, 'per table'), ...errors(401, 404, 422) },
    },
    async (ctx) => {
      const uid = c.uidParam.parse(ctx.req.param()).uid;
      const box = await r.db.selectFrom('boxes').select(['id', 'venue_id']).where('uid', '=', uid).executeTakeFirst();
      if (!box) throw notFound('box', uid);
      const p = r.principal(ctx);
      if (p.kind === 'box' && p.id !== box.id) throw notFound('box', uid);
      await r.accounts.venueAccess(p, box.venue_id, 'viewer').catch(() => {
        throw notFound('box', uid);
      });
      const { up_to: upTo } = query(ctx, c.checksumsQuery);
      return ctx.json(await boxChecksums(r.db, box.id, upTo), 200);
    },
  );
}
