/** /api/v1/movement: movement data, pattern definitions, detected patterns, simulation. */
import { ADMIN, ANY, OWN, STAFF } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { body, errors, json } from '../openapi-common.js';
import { registerResource } from '../resource.js';
import type { ApiRouter } from '../router.js';
import {
  detectedColumns,
  detectedCreate,
  detectedOut,
  detectedUpdate,
  movementColumns,
  movementCreate,
  movementOut,
  movementUpdate,
  patternColumns,
  patternCreate,
  patternOut,
  patternUpdate,
  simulateIn,
  simulateOut,
} from '../schemas/signals.js';
import { simulateSignals } from './simulate-signals.js';
import { ApiError } from '../errors.js';
import { learnPattern } from '../../../models/patterns/learn.js';

const refs = {
  event_id: { table: 'events', noun: 'event' },
  user_id: { table: 'users', noun: 'user' },
  device_id: { table: 'devices', noun: 'device' },
} as const;

export function registerMovementRoutes(router: ApiRouter, deps: ApiDeps): void {
  const { sql } = deps;
  const nowIso = (): string => new Date(sql.now()).toISOString();

  router.add(
    {
      method: 'post',
      path: '/api/v1/movement/simulate',
      tags: ['movement'],
      access: STAFF,
      summary:
        "Store a simulated stretch of movement for an event's registered dancers (or anonymous wristbands), ending now",
      request: { body: body(simulateIn) },
      responses: { 201: json(simulateOut, 'what was stored'), ...errors(401, 403, 404, 422) },
    },
    (c, { body: input }) => c.json(simulateSignals(sql, input, 'movement'), 201),
  );

  registerResource(
    router,
    {
      table: 'movement_data',
      path: '/movement/data',
      tag: 'movement',
      noun: 'movement record',
      columns: movementColumns,
      out: movementOut,
      create: movementCreate,
      update: movementUpdate,
      timeColumn: 'recorded_at',
      eventColumn: 'event_id',
      ownerColumn: 'user_id',
      references: refs,
      defaults: () => ({ recorded_at: nowIso(), source: 'api' }),
      access: { list: OWN, get: OWN, create: STAFF, update: STAFF, delete: STAFF },
    },
    deps,
  );

  registerResource(
    router,
    {
      table: 'movement_patterns',
      path: '/movement/patterns',
      tag: 'movement',
      noun: 'movement pattern',
      columns: patternColumns,
      out: patternOut,
      create: patternCreate,
      update: patternUpdate,
      timeColumn: 'created_at',
      // Examples, when given, become the learned prototype in pattern_data (the examples themselves are not kept).
      check: async (record) => {
        const examples = record.examples as { rate_hz: number; samples: [number, number, number][] }[] | undefined;
        if (!examples) return undefined;
        if (!deps.gestures)
          throw new ApiError(
            503,
            'model_unavailable',
            'the gesture model is not loaded on this box (see GET /health, model:gesture), so patterns cannot be learned from examples',
          );
        const learned = await learnPattern(
          examples.map((e) => ({ rateHz: e.rate_hz, xyz: Float32Array.from(e.samples.flat()) })),
          deps.gestures,
        );
        return { pattern_data: learned, examples: undefined };
      },
      // event_id: the patterns detected at that event
      eventVia: { table: 'detected_patterns', column: 'pattern_id' },
      // Technicians teach patterns by example (beyond the design's admin-only writes); deleting stays admin.
      access: { list: ANY, get: ANY, create: STAFF, update: STAFF, delete: ADMIN },
    },
    deps,
  );

  registerResource(
    router,
    {
      table: 'detected_patterns',
      path: '/movement/detected-patterns',
      tag: 'movement',
      noun: 'detected pattern',
      columns: detectedColumns,
      out: detectedOut,
      create: detectedCreate,
      update: detectedUpdate,
      timeColumn: 'detected_at',
      eventColumn: 'event_id',
      ownerColumn: 'user_id',
      references: {
        event_id: refs.event_id,
        user_id: refs.user_id,
        pattern_id: { table: 'movement_patterns', noun: 'movement pattern' },
      },
      defaults: () => ({ detected_at: nowIso() }),
      access: { list: OWN, get: OWN, create: STAFF, update: STAFF, delete: ADMIN },
    },
    deps,
  );
}
