/** /api/v1/events: events, upcoming, registration with capacity, registrations, check-in/out. */
import { ANY, OWN, STAFF, isStaff, roles, type CurrentUser } from '../access.js';
import { toApi, type Row } from '../codec.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, conflict, forbidden } from '../errors.js';
import { body, errors, json } from '../openapi-common.js';
import { listQuery, pageSchema } from '../paging.js';
import { getRow, listPage, registerResource } from '../resource.js';
import { userOf, type ApiRouter } from '../router.js';
import { rowExists } from '../../store/repositories/records.js';
import {
  activeRegistrations,
  register,
  registrationOf,
  setAttendance,
} from '../../store/repositories/registrations.js';
import {
  attendanceIn,
  eventColumns,
  eventCreate,
  eventOut,
  eventUpdate,
  registrationColumns,
  registrationOut,
  registrationUpdate,
} from '../schemas/events.js';

const tags = ['events'];
const base = '/api/v1/events';

export function registerEventRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql } = deps;
  const target = (me: CurrentUser, userId: number | undefined, who: 'admin' | 'staff'): number => {
    const id = userId ?? me.id;
    if (id !== me.id && !(who === 'admin' ? me.role === 'admin' : isStaff(me)))
      throw forbidden(`only ${who === 'admin' ? 'an admin' : 'admin or technician'} may do this for someone else`);
    if (!rowExists(sql, 'users', id))
      throw new ApiError(422, 'unknown_reference', `body.user_id: no user with id ${id}`, 'body.user_id');
    return id;
  };
  const regJson = (id: number): Row => toApi(registrationColumns, getRow(sql, 'registrations', id, 'registration'));

  // Static paths first: hono tries routes in order, and /events/{id} would claim "upcoming".
  router.add(
    {
      method: 'get',
      path: `${base}/upcoming`,
      tags,
      summary: 'Active events that have not ended, soonest first',
      access: ANY,
      request: { query: listQuery },
      responses: { 200: json(pageSchema(eventOut), 'a page of events'), ...errors(401, 422) },
    },
    (c, { query }) => {
      const now = sql.now();
      return c.json(
        listPage(sql, 'events', { timeColumn: 'starts_at', eventColumn: 'id', columns: eventColumns }, query, [
          ['ends_at', '>', now],
          ['is_active', '=', 1],
        ]),
        200,
      );
    },
  );

  router.add(
    {
      method: 'post',
      path: `${base}/register`,
      tags,
      summary: 'Register for an event (yourself; admin: anyone); capacity enforced',
      access: { roles, own: ['technician', 'dancer'] },
      request: { body: body(attendanceIn) },
      responses: { 201: json(registrationOut, 'the registration'), ...errors(401, 403, 404, 409, 422) },
    },
    (c, { body: input }) => {
      const me = userOf(c);
      const userId = target(me, input.user_id, 'admin');
      const id = sql.tx(() => {
        const event = getRow(sql, 'events', input.event_id, 'event');
        if (event.is_active !== 1)
          throw conflict('event_inactive', `event ${input.event_id} is not open for registration`, 'body.event_id');
        if (Number(event.ends_at) <= sql.now())
          throw conflict('event_over', `event ${input.event_id} has already ended`, 'body.event_id');
        const existing = registrationOf(sql, input.event_id, userId);
        if (existing?.is_active === 1)
          throw conflict(
            'already_registered',
            `user ${userId} is already registered for event ${input.event_id}`,
            'body.user_id',
          );
        const capacity = event.capacity as number | null;
        if (capacity !== null && activeRegistrations(sql, input.event_id) >= capacity)
          throw conflict('event_full', `event ${input.event_id} is full (${capacity} places)`, 'body.event_id');
        return register(sql, input.event_id, userId, existing);
      });
      return c.json(regJson(id), 201);
    },
  );

  for (const action of ['checkin', 'checkout'] as const) {
    router.add(
      {
        method: 'post',
        path: `${base}/${action}`,
        tags,
        summary:
          action === 'checkin'
            ? 'Check in at an event (yourself; admin/technician: anyone registered)'
            : 'Check out of an event (yourself; admin/technician: anyone)',
        access: OWN,
        request: { body: body(attendanceIn) },
        responses: { 200: json(registrationOut, 'the registration'), ...errors(401, 403, 404, 409, 422) },
      },
      (c, { body: input }) => {
        const userId = target(userOf(c), input.user_id, 'staff');
        const id = sql.tx(() => {
          getRow(sql, 'events', input.event_id, 'event');
          const reg = registrationOf(sql, input.event_id, userId);
          if (reg?.is_active !== 1)
            throw conflict(
              'not_registered',
              `user ${userId} is not registered for event ${input.event_id}`,
              'body.event_id',
            );
          const inside = reg.checked_in_at !== null && reg.checked_out_at === null;
          if (action === 'checkin' && inside)
            throw conflict('already_checked_in', `user ${userId} is already checked in`, 'body.user_id');
          if (action === 'checkout' && !inside)
            throw conflict('not_checked_in', `user ${userId} is not checked in`, 'body.user_id');
          setAttendance(sql, Number(reg.id), action);
          return Number(reg.id);
        });
        return c.json(regJson(id), 200);
      },
    );
  }

  registerResource(
    router,
    {
      table: 'registrations',
      path: '/events/registrations',
      tag: 'events',
      noun: 'registration',
      columns: registrationColumns,
      out: registrationOut,
      create: registrationUpdate,
      update: registrationUpdate,
      timeColumn: 'registered_at',
      eventColumn: 'event_id',
      ownerColumn: 'user_id',
      // created through POST /events/register, which enforces capacity
      access: { list: OWN, get: OWN, update: STAFF, delete: OWN },
    },
    deps,
  );

  registerResource(
    router,
    {
      table: 'events',
      path: '/events',
      tag: 'events',
      noun: 'event',
      columns: eventColumns,
      out: eventOut,
      create: eventCreate,
      update: eventUpdate,
      timeColumn: 'starts_at',
      eventColumn: 'id',
      access: { list: ANY, get: ANY, create: STAFF, update: STAFF, delete: STAFF },
      check: (e, _user, before) => {
        if (Date.parse(String(e.ends_at)) < Date.parse(String(e.starts_at)))
          throw new ApiError(422, 'validation_failed', 'body.ends_at: must not be before starts_at', 'body.ends_at');
        const registered = before && typeof e.capacity === 'number' ? activeRegistrations(sql, Number(e.id)) : 0;
        if (typeof e.capacity === 'number' && e.capacity < registered) {
          throw conflict(
            'capacity_below_registrations',
            `capacity ${e.capacity} is below the ${registered} active registrations`,
            'body.capacity',
          );
        }
        return undefined;
      },
    },
    deps,
  );
}
