/**
 * /api/v1/slots: the output slot each dancer holds for the current event (or on the floor):
 * what `/codance/dancer/{slot}/…`, the fixture patch and per-slot MIDI address. A slot stays
 * with the dancer when their band is swapped.
 */
import { STAFF } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { errors, json } from '../openapi-common.js';
import type { ApiRouter } from '../router.js';
import { slotsOut } from '../schemas/slots.js';

export function registerSlotRoutes(router: ApiRouter, deps: ApiDeps): void {
  router.add(
    {
      method: 'get',
      path: '/api/v1/slots',
      tags: ['devices'],
      access: STAFF,
      summary: 'Dancer slots: who holds which slot number for outputs, and the bands they wear',
      responses: { 200: json(slotsOut, 'the slots of the current scope'), ...errors(401, 403, 503) },
    },
    (c) => {
      const slots = deps.hardware.room?.slots;
      if (!slots) throw new ApiError(503, 'unavailable', 'slots need the room (outputs), which is not running');
      const list = slots();
      return c.json(
        {
          scope: list.scope,
          event_id: list.eventId,
          slots: list.slots.map((s) => ({
            slot: s.slot,
            user_id: s.userId,
            user_name: s.userName,
            device_keys: s.deviceKeys,
            assigned_at: new Date(s.assignedAt).toISOString(),
          })),
        },
        200,
      );
    },
  );
}
