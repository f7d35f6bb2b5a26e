/** /api/v1/biometrics: biometric records (consent-gated, own-only for dancers), devices and assignment, simulation. */
import { logReads } from '../../privacy/reads.js';
import { assignDevice, openAssignment, releaseAssignment } from '../../store/repositories/assignments.js';
import { findColumns } from '../../store/repositories/records.js';
import { ANY, OWN, STAFF } from '../access.js';
import { toApi } from '../codec.js';
import type { ApiDeps } from '../deps.js';
import { conflict } from '../errors.js';
import { body, errors, idParam, json } from '../openapi-common.js';
import { listQuery, pageSchema } from '../paging.js';
import { checkReferences, getRow, listPage, registerResource } from '../resource.js';
import type { ApiRouter } from '../router.js';
import {
  assignIn,
  assignmentColumns,
  assignmentOut,
  biometricColumns,
  biometricCreate,
  biometricOut,
  biometricUpdate,
  deviceColumns,
  deviceCreate,
  deviceOut,
  deviceUpdate,
  simulateIn,
  simulateOut,
} from '../schemas/signals.js';
import { consentMissing, simulateSignals } from './simulate-signals.js';

const tags = ['biometrics'];
const base = '/api/v1/biometrics';

export function registerBiometricRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql } = deps;

  router.add(
    {
      method: 'post',
      path: `${base}/simulate`,
      tags,
      access: STAFF,
      summary: 'Store a simulated stretch of biometrics for a consenting dancer at an event, ending now',
      request: { body: body(simulateIn) },
      responses: { 201: json(simulateOut, 'what was stored'), ...errors(401, 403, 404, 409, 422) },
    },
    (c, { body: input }) => c.json(simulateSignals(sql, input, 'biometrics'), 201),
  );

  registerResource(
    router,
    {
      table: 'biometric_data',
      path: '/biometrics/data',
      tag: 'biometrics',
      noun: 'biometric record',
      columns: biometricColumns,
      out: biometricOut,
      create: biometricCreate,
      update: biometricUpdate,
      timeColumn: 'recorded_at',
      eventColumn: 'event_id',
      ownerColumn: 'user_id',
      ownerDefaultsToSelf: true,
      references: {
        user_id: { table: 'users', noun: 'user' },
        event_id: { table: 'events', noun: 'event' },
        device_id: { table: 'devices', noun: 'device' },
      },
      defaults: () => ({ recorded_at: new Date(sql.now()).toISOString(), source: 'api' }),
      access: { list: OWN, get: OWN, create: OWN, update: OWN, delete: OWN },
      read: (user, rows, how) => logReads(sql, user, rows, 'api.biometrics', { how }),
      check: (record, _user, before) => {
        // Nothing is recorded against a dancer who has not agreed to it.
        const userId = record.user_id;
        if (typeof userId !== 'number' || userId === before?.user_id) return undefined;
        const user = findColumns(sql, 'users', userId, ['consent_biometrics']);
        if (user && user.consent_biometrics !== 1) throw consentMissing(userId);
        return undefined;
      },
    },
    deps,
  );

  router.add(
    {
      method: 'get',
      path: `${base}/devices/assignments`,
      tags,
      summary: 'Device assignments, open and released (event_id, from/to on assigned_at)',
      access: STAFF,
      request: { query: listQuery },
      responses: { 200: json(pageSchema(assignmentOut), 'a page of assignments'), ...errors(401, 403, 422) },
    },
    (c, { query }) => {
      return c.json(
        listPage(
          sql,
          'device_assignments',
          { timeColumn: 'assigned_at', eventColumn: 'event_id', columns: assignmentColumns },
          query,
        ),
        200,
      );
    },
  );

  router.add(
    {
      method: 'post',
      path: `${base}/devices/{id}/assign`,
      tags,
      summary: "Give a device to a dancer (ends the device's previous assignment)",
      access: STAFF,
      request: { params: idParam, body: body(assignIn) },
      responses: { 201: json(assignmentOut, 'the new assignment'), ...errors(401, 403, 404, 409, 422) },
    },
    (c, { params, body: input }) => {
      const device = getRow(sql, 'devices', params.id, 'device');
      if (device.is_active !== 1) throw conflict('device_inactive', `device ${params.id} is deactivated`);
      checkReferences(
        sql,
        { user_id: { table: 'users', noun: 'user' }, event_id: { table: 'events', noun: 'event' } },
        input,
      );
      const now = sql.now();
      const id = assignDevice(sql, params.id, input.user_id, input.event_id ?? null, now);
      return c.json(toApi(assignmentColumns, getRow(sql, 'device_assignments', id, 'assignment')), 201);
    },
  );

  router.add(
    {
      method: 'post',
      path: `${base}/devices/{id}/release`,
      tags,
      summary: "End a device's current assignment",
      access: STAFF,
      request: { params: idParam },
      responses: { 200: json(assignmentOut, 'the ended assignment'), ...errors(401, 403, 404, 409, 422) },
    },
    (c, { params }) => {
      getRow(sql, 'devices', params.id, 'device');
      const open = openAssignment(sql, params.id);
      if (open === undefined) throw conflict('not_assigned', `device ${params.id} is not assigned to anyone`);
      releaseAssignment(sql, open, sql.now());
      return c.json(toApi(assignmentColumns, getRow(sql, 'device_assignments', open, 'assignment')), 200);
    },
  );

  registerResource(
    router,
    {
      table: 'devices',
      path: '/biometrics/devices',
      tag: 'biometrics',
      noun: 'device',
      columns: deviceColumns,
      out: deviceOut,
      create: deviceCreate,
      update: deviceUpdate,
      timeColumn: 'created_at',
      // event_id: the devices assigned to someone for that event
      eventVia: { table: 'device_assignments', column: 'device_id' },
      access: { list: ANY, get: ANY, create: STAFF, update: STAFF, delete: STAFF },
    },
    deps,
  );
}
