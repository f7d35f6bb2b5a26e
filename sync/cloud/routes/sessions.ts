/**
 * Sessions (a box's events) as the dashboard pulls them: a venue's list, one session's
 * summary, data by stream, per-dancer figures, timeline and CSV. A session of a venue the
 * caller may not see is the same 404 as one that does not exist.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { audit, isDancerStream } from '../audit.js';
import * as c from '../contracts.js';
import { CloudError, notFound } from '../errors.js';
import { errors, json, query, type CloudEnv, type CloudRouter } from '../router.js';
import { sessionCsv } from '../session-csv.js';
import { sessionDancers } from '../session-dancers.js';
import { sessionTimeline } from '../session-timeline.js';
import { decodeCursor, listSessions, sessionById, sessionData, sessionSummary } from '../sessions.js';

export function sessionRoutes(r: CloudRouter): void {
  r.route(
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
      const venue = await r.accounts.venueAccess(r.principal(ctx), c.idParam.parse(ctx.req.param()).id, 'viewer');
      const q = query(ctx, c.pageQuery);
      return ctx.json(await listSessions(r.reads, venue.id, decodeCursor(q.after), q.limit), 200);
    },
  );

  const session = async (ctx: Context<CloudEnv>) => {
    const s = await sessionById(r.reads, c.idParam.parse(ctx.req.param()).id).catch((err: unknown) => {
      throw err instanceof CloudError ? err : notFound('session', ctx.req.param('id') ?? '');
    });
    const venue = await r.accounts.venueAccess(r.principal(ctx), s.venue_id, 'viewer').catch(() => {
      throw notFound('session', s.id);
    });
    return Object.assign(s, { orgId: venue.org_id });
  };
  /** A read of dancers' data, for the organisation's access log. */
  const logRead = (
    ctx: Context<CloudEnv>,
    s: { id: number; orgId: number; box_uid: string; entity_id: number },
    action: string,
    detail: Record<string, unknown> = {},
  ) =>
    audit(r.db, {
      orgId: s.orgId,
      who: r.principal(ctx),
      at: r.now(),
      action,
      detail: { session: s.id, box: s.box_uid, event: s.entity_id, ...detail },
    });

  r.route(
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
      return ctx.json(await sessionSummary(r.reads, await session(ctx)), 200);
    },
  );

  r.route(
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
      if (isDancerStream(q.stream)) await logRead(ctx, s, 'session.data', { stream: q.stream });
      return ctx.json(
        await sessionData(r.reads, s, {
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

  r.route(
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
      const s = await session(ctx);
      await logRead(ctx, s, 'session.dancers');
      return ctx.json(await sessionDancers(r.reads, s), 200);
    },
  );

  r.route(
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
      return ctx.json(await sessionTimeline(r.reads, s, query(ctx, c.timelineQuery).limit), 200);
    },
  );

  r.route(
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
      if (isDancerStream(q.stream)) await logRead(ctx, s, 'session.csv', { stream: q.stream });
      const name = `${s.box_uid.slice(0, 8)}-event-${s.entity_id}-${q.stream}.csv`.replace(/[^\w.-]/g, '_');
      return new Response(sessionCsv(r.reads, s, q.stream), {
        status: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${name}"`,
          'cache-control': 'no-store',
        },
      });
    },
  );
}
