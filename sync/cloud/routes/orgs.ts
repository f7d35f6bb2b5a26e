/** Organisations, their venues and members. */
import * as c from '../contracts.js';
import { body, errors, json, type CloudRouter } from '../router.js';

export function orgRoutes(r: CloudRouter): void {
  r.route(
    'signed-in',
    {
      method: 'get',
      path: '/api/v1/orgs',
      tags: ['organisations'],
      summary: 'The organisations you belong to',
      responses: { 200: json(c.orgOut.array(), 'organisations'), ...errors(401) },
    },
    async (ctx) => {
      const p = r.principal(ctx);
      const ids = p.kind === 'box' ? [p.orgId] : [...p.roles.keys()];
      if (ids.length === 0) return ctx.json([], 200);
      const rows = await r.db.selectFrom('orgs').select(['id', 'name']).where('id', 'in', ids).orderBy('id').execute();
      return ctx.json(
        rows.map((o) => ({ ...o, role: p.kind === 'box' ? ('box' as const) : p.roles.get(o.id)! })),
        200,
      );
    },
  );

  r.route(
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
      const p = r.principal(ctx);
      const orgId = c.idParam.parse(ctx.req.param()).id;
      r.accounts.orgAccess(p, orgId, 'viewer');
      let q = r.db.selectFrom('venues').select(['id', 'org_id', 'name']).where('org_id', '=', orgId);
      if (p.kind === 'box') q = q.where('id', '=', p.venueId);
      return ctx.json(await q.orderBy('id').execute(), 200);
    },
  );

  r.route(
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
      r.accounts.orgAccess(r.user(ctx), orgId, 'admin');
      const { name } = c.venueIn.parse(await ctx.req.json());
      const id = await r.accounts.createVenue(orgId, name);
      return ctx.json({ id, org_id: orgId, name }, 201);
    },
  );

  r.route(
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
      r.accounts.orgAccess(r.user(ctx), orgId, 'owner');
      const m = c.memberIn.parse(await ctx.req.json());
      await r.accounts.addMember(orgId, m.email, m.role, m.password);
      return ctx.body(null, 204);
    },
  );
}
