/**
 * An organisation's data-rights tools: its retention policy per sync class (read by every
 * member, set by an admin), its access log (admins), and the export of what it holds of one
 * pseudonym (the owner, acting on a dancer's request).
 */
import { Readable } from 'node:stream';
import { audit, auditPage } from '../audit.js';
import * as c from '../contracts.js';
import * as p from '../privacy-contracts.js';
import { notFound } from '../errors.js';
import { pseudonymRecords, subjectsOf } from '../pseudonym-export.js';
import { body, errors, json, query, type CloudRouter } from '../router.js';

const classes = ['records', 'features', 'raw'] as const;

export function privacyRoutes(r: CloudRouter): void {
  const policy = async (orgId: number) => {
    const rows = await r.db.selectFrom('retention_policies').selectAll().where('org_id', '=', orgId).execute();
    return {
      org_id: orgId,
      policies: classes.map((k) => {
        const row = rows.find((x) => x.class === k);
        return {
          class: k,
          days: row ? Number(row.days) : 0,
          updated_at: row ? new Date(Number(row.updated_at)).toISOString() : null,
          updated_by: row?.updated_by == null ? null : Number(row.updated_by),
        };
      }),
    };
  };

  r.route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/orgs/{id}/retention',
      tags: ['data rights'],
      summary: 'How long the organisation keeps each sync class (days; 0 = for ever)',
      request: { params: c.idParam },
      responses: { 200: json(p.retentionOut, 'the policy'), ...errors(401, 404) },
    },
    async (ctx) => {
      const orgId = c.idParam.parse(ctx.req.param()).id;
      r.accounts.orgAccess(r.principal(ctx), orgId, 'viewer');
      return ctx.json(await policy(orgId), 200);
    },
  );

  r.route(
    'signed-in',
    {
      method: 'put',
      path: '/api/v1/orgs/{id}/retention',
      tags: ['data rights'],
      summary: 'Set how long each sync class is kept (admin); applied by the cloud on its schedule',
      request: { params: c.idParam, body: body(p.retentionIn) },
      responses: { 200: json(p.retentionOut, 'the policy now'), ...errors(401, 403, 404, 422) },
    },
    async (ctx) => {
      const orgId = c.idParam.parse(ctx.req.param()).id;
      const who = r.user(ctx);
      r.accounts.orgAccess(who, orgId, 'admin');
      const input = p.retentionIn.parse(await ctx.req.json());
      const now = r.now();
      for (const k of classes) {
        const days = input[k];
        if (days === undefined) continue;
        await r.db
          .insertInto('retention_policies')
          .values({ org_id: orgId, class: k, days, updated_at: now, updated_by: who.id })
          .onConflict((oc) =>
            oc.columns(['org_id', 'class']).doUpdateSet({ days, updated_at: now, updated_by: who.id }),
          )
          .execute();
      }
      await audit(r.db, { orgId, who, at: now, action: 'retention.set', detail: input });
      return ctx.json(await policy(orgId), 200);
    },
  );

  r.route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/orgs/{id}/audit',
      tags: ['data rights'],
      summary: "Who read dancers' data (session readings, per-dancer figures, CSV, exports), newest first (admin)",
      request: { params: c.idParam, query: p.auditQuery },
      responses: { 200: json(p.auditEntryOut.array(), 'entries'), ...errors(401, 403, 404, 422) },
    },
    async (ctx) => {
      const orgId = c.idParam.parse(ctx.req.param()).id;
      r.accounts.orgAccess(r.user(ctx), orgId, 'admin');
      const q = query(ctx, p.auditQuery);
      return ctx.json(
        await auditPage(r.db, orgId, {
          ...(q.from !== undefined && { from: Date.parse(q.from) }),
          ...(q.before_id !== undefined && { beforeId: q.before_id }),
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
      path: '/api/v1/orgs/{id}/pseudonyms/{pseudonym}/export',
      tags: ['data rights'],
      summary: 'Everything the organisation holds of one pseudonym, as NDJSON (owner, on the dancer’s request)',
      description:
        'The first line describes the export; each further line is one record: its box, table, id, time and data. Streamed.',
      request: { params: p.pseudonymParam },
      responses: {
        200: { description: 'application/x-ndjson, streamed' },
        ...errors(401, 403, 404, 422),
      },
    },
    async (ctx) => {
      const { id: orgId, pseudonym } = p.pseudonymParam.parse(ctx.req.param());
      const who = r.user(ctx);
      r.accounts.orgAccess(who, orgId, 'owner');
      const subjects = await subjectsOf(r.db, orgId, pseudonym);
      if (subjects.length === 0) throw notFound('pseudonym', pseudonym);
      const at = r.now();
      await audit(r.db, {
        orgId,
        who,
        at,
        action: 'pseudonym.export',
        detail: { dancers: subjects.map((s) => ({ box: s.boxUid, user_id: s.userId })) },
      });
      const db = r.db;
      async function* lines(): AsyncGenerator<string> {
        yield `${JSON.stringify({ pseudonym, exported_at: new Date(at).toISOString(), boxes: subjects.map((s) => s.boxUid) })}\n`;
        yield* pseudonymRecords(db, subjects, () => undefined);
      }
      return new Response(Readable.toWeb(Readable.from(lines(), { objectMode: false })) as ReadableStream, {
        status: 200,
        headers: {
          'content-type': 'application/x-ndjson; charset=utf-8',
          'content-disposition': `attachment; filename="${pseudonym}.ndjson"`,
          'cache-control': 'no-store',
        },
      });
    },
  );
}
