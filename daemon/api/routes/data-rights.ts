/**
 * A dancer's rights over their data: the export (one ZIP of everything the box holds of them),
 * erasure (carried to the cloud), their consent history; and for an admin, the erasures done
 * and the access log of who read whose biometrics.
 */
import { Readable } from 'node:stream';
import type { Selectable } from 'kysely';
import type { ErasuresTable } from '../../store/schema-rights.js';
import { z } from '@hono/zod-openapi';
import { eraseDancer } from '../../privacy/erase.js';
import { dancerArchive } from '../../privacy/export-archive.js';
import { listAccess, logAccess } from '../../store/repositories/access-log.js';
import { getMeta } from '../../store/repositories/box-meta.js';
import { consentHistory } from '../../store/repositories/consent-history.js';
import { erasuresOf, listErasures } from '../../store/repositories/erasures.js';
import { activeAdminCount } from '../../store/repositories/users.js';
import { accountOf } from '../../store/repositories/dancer-data.js';
import { ADMIN, roles, type Access, type CurrentUser } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, conflict, forbidden } from '../errors.js';
import { errors, idParam, json } from '../openapi-common.js';
import { userOf, type ApiRouter } from '../router.js';
import { accessEntryOut, accessQuery, consentChangeOut, erasureOut, erasureResultOut } from '../schemas/data-rights.js';

const tags = ['data rights'];
/** The dancer themself, or staff acting on their request. */
const SELF_OR_STAFF: Access = { roles, own: ['dancer'] };

export function registerDataRightsRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql } = deps;
  const selfOrStaff = (me: CurrentUser, id: number): void => {
    if (me.role === 'dancer' && me.id !== id) throw forbidden('you may only export or erase your own data');
  };
  const actor = (me: CurrentUser) => ({ id: me.id, username: me.username, role: me.role });

  router.add(
    {
      method: 'get',
      path: '/api/v1/users/{id}/export',
      tags,
      access: SELF_OR_STAFF,
      summary: 'Everything the box holds of a dancer, as one ZIP archive (streamed)',
      description:
        'JSON for records, CSV per stream, a README naming fields and units, and a manifest counting every file. The read is written to the access log.',
      request: { params: idParam },
      responses: { 200: { description: 'application/zip' }, ...errors(401, 403, 404, 422) },
    },
    (c, { params }) => {
      const me = userOf(c);
      selfOrStaff(me, params.id);
      const box = { id: getMeta(sql.sqlite, 'box_id') ?? '', name: deps.hardware.console?.box.name ?? 'codance-box' };
      const archive = dancerArchive(sql, { box, userId: params.id });
      if (!archive) throw new ApiError(404, 'not_found', `no user ${params.id}`);
      logAccess(sql, { actor: actor(me), subjectId: params.id, action: 'export', detail: { format: 'zip' } });
      const stamp = new Date(sql.now()).toISOString().slice(0, 10);
      return c.body(Readable.toWeb(archive) as ReadableStream, 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="codance-user-${params.id}-${stamp}.zip"`,
        'cache-control': 'no-store',
      });
    },
  );

  router.add(
    {
      method: 'post',
      path: '/api/v1/users/{id}/erasure',
      tags,
      access: SELF_OR_STAFF,
      summary: 'Erase a dancer: their account and everything recorded about them, here and (through sync) in the cloud',
      description:
        'Idempotent: erasing someone already erased answers `already_erased` and changes nothing. A technician may erase dancers; an admin anyone but the last active admin.',
      request: { params: idParam },
      responses: { 200: json(erasureResultOut, 'erased'), ...errors(401, 403, 404, 409, 422) },
    },
    async (c, { params }) => {
      const me = userOf(c);
      selfOrStaff(me, params.id);
      const account = accountOf(sql, params.id);
      if (!account) {
        const done = erasuresOf(sql, params.id).find((e) => e.finished_at !== null);
        if (!done) throw new ApiError(404, 'not_found', `no user ${params.id}`);
        return c.json({ status: 'already_erased' as const, erasure: erasureJson(done) }, 200);
      }
      if (me.role === 'technician' && account.role !== 'dancer' && me.id !== params.id)
        throw forbidden('a technician may erase dancers only; ask an admin');
      if (account.role === 'admin' && account.is_active === 1 && activeAdminCount(sql) <= 1)
        throw conflict('last_admin', 'this is the last active admin; make another admin first');
      const done = await eraseDancer(sql, params.id, { id: me.id, role: me.role, via: 'api' });
      const row = erasuresOf(sql, params.id).find((e) => e.id === done.erasure)!;
      return c.json({ status: 'erased' as const, erasure: erasureJson(row) }, 200);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/api/v1/users/{id}/consents',
      tags,
      access: SELF_OR_STAFF,
      summary: "A dancer's consent history: every grant and withdrawal, when, by whom, how",
      request: { params: idParam },
      responses: { 200: json(z.array(consentChangeOut), 'oldest first'), ...errors(401, 403, 404, 422) },
    },
    (c, { params }) => {
      selfOrStaff(userOf(c), params.id);
      if (!accountOf(sql, params.id)) throw new ApiError(404, 'not_found', `no user ${params.id}`);
      return c.json(
        consentHistory(sql, params.id).map((h) => ({
          ...h,
          granted: h.granted === 1,
          changed_at: new Date(h.changed_at).toISOString(),
        })),
        200,
      );
    },
  );

  router.add(
    {
      method: 'get',
      path: '/api/v1/erasures',
      tags,
      access: ADMIN,
      summary: 'Erasures carried out on this box (who asked, when, rows deleted per table), newest first',
      responses: { 200: json(z.array(erasureOut), 'erasures'), ...errors(401, 403) },
    },
    (c) => c.json(listErasures(sql, 1000).map(erasureJson), 200),
  );

  router.add(
    {
      method: 'get',
      path: '/api/v1/access-log',
      tags,
      access: ADMIN,
      summary: "Who read a dancer's biometrics, when and how (console vitals, API reads, exports), newest first",
      request: { query: accessQuery },
      responses: { 200: json(z.array(accessEntryOut), 'entries'), ...errors(401, 403, 422) },
    },
    (c, { query }) =>
      c.json(
        listAccess(sql, {
          subjectId: query.user_id,
          actorId: query.actor_id,
          from: query.from === undefined ? undefined : Date.parse(query.from),
          to: query.to === undefined ? undefined : Date.parse(query.to),
          beforeId: query.before_id,
          limit: query.limit,
        }).map((e) => ({
          ...e,
          at: new Date(e.at).toISOString(),
          detail: JSON.parse(e.detail) as Record<string, unknown>,
        })),
        200,
      ),
  );
}

function erasureJson(e: Selectable<ErasuresTable>) {
  return {
    id: e.id,
    user_id: e.subject_id,
    requested_by: e.requested_by,
    requested_role: e.requested_role,
    via: e.via,
    requested_at: new Date(e.requested_at).toISOString(),
    finished_at: e.finished_at === null ? null : new Date(e.finished_at).toISOString(),
    erased: JSON.parse(e.erased) as Record<string, number>,
  };
}
