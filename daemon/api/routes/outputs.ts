/**
 * The platform's two output groups, /sound and /visualization, which share their shape:
 * output events (staff write, admin delete), presets (staff write) and a simulate route.
 */
import { createRow } from '../../store/repositories/records.js';
import { ADMIN, ANY, STAFF } from '../access.js';
import { toApi, toRow } from '../codec.js';
import type { ApiDeps } from '../deps.js';
import { body, errors, json } from '../openapi-common.js';
import { registerResource } from '../resource.js';
import type { ApiRouter } from '../router.js';
import { outputEventSchemas, outputSimulateIn, presetColumns, presetSchemas } from '../schemas/output.js';
import { readCrowd, soundFor, visualFor } from './output-simulation.js';

interface Group {
  kind: 'sound' | 'visualization';
  tag: string;
  label: string;
  eventsTable: 'sound_events' | 'visualization_events';
  presetsTable: 'sound_presets' | 'visualization_presets';
  typeColumn: 'sound_type' | 'viz_type';
}

const groups: Group[] = [
  {
    kind: 'sound',
    tag: 'sound',
    label: 'Sound',
    eventsTable: 'sound_events',
    presetsTable: 'sound_presets',
    typeColumn: 'sound_type',
  },
  {
    kind: 'visualization',
    tag: 'visualization',
    label: 'Visualization',
    eventsTable: 'visualization_events',
    presetsTable: 'visualization_presets',
    typeColumn: 'viz_type',
  },
];

export function registerOutputRoutes(router: ApiRouter, deps: ApiDeps, group: Group['kind']): void {
  const g = groups.find((x) => x.kind === group);
  if (!g) throw new Error(`unknown output group ${group}`);
  const { sql } = deps;
  const events = outputEventSchemas(g.label, g.typeColumn, g.kind === 'sound' ? 'movement_data_id' : undefined);

  router.add(
    {
      method: 'post',
      path: `/api/v1/${g.kind}/simulate`,
      tags: [g.tag],
      access: STAFF,
      summary: `Make one ${g.kind} event from the event's recent crowd movement (or the simulated crowd when none is recorded)`,
      request: { body: body(outputSimulateIn) },
      responses: { 201: json(events.out, `the ${g.kind} event`), ...errors(401, 403, 404, 422) },
    },
    (c, { body: input }) => {
      const crowd = readCrowd(sql, input.event_id, input.window_s);
      const made =
        g.kind === 'sound' ? { ...soundFor(crowd), movement_data_id: crowd.latestMovementId } : visualFor(crowd);
      const values = toRow(events.columns, { ...made, event_id: input.event_id });
      values.occurred_at = sql.now();
      const row = createRow(sql, g.eventsTable, values);
      return c.json(toApi(events.columns, row), 201);
    },
  );

  registerResource(
    router,
    {
      table: g.eventsTable,
      path: `/${g.kind}/events`,
      tag: g.tag,
      noun: `${g.kind} event`,
      columns: events.columns,
      out: events.out,
      create: events.create,
      update: events.update,
      timeColumn: 'occurred_at',
      eventColumn: 'event_id',
      references: {
        event_id: { table: 'events', noun: 'event' },
        movement_data_id: { table: 'movement_data', noun: 'movement record' },
      },
      defaults: () => ({ occurred_at: new Date(sql.now()).toISOString() }),
      access: { list: ANY, get: ANY, create: STAFF, update: STAFF, delete: ADMIN },
    },
    deps,
  );

  const presets = presetSchemas(g.label);
  registerResource(
    router,
    {
      table: g.presetsTable,
      path: `/${g.kind}/presets`,
      tag: g.tag,
      noun: `${g.kind} preset`,
      columns: presetColumns,
      out: presets.out,
      create: presets.create,
      update: presets.update,
      timeColumn: 'created_at',
      access: { list: ANY, get: ANY, create: STAFF, update: STAFF, delete: STAFF },
    },
    deps,
  );
}
