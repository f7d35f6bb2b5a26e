/** Wire contract of /api/v1/slots: which dancer holds which output slot. */
import { z } from '@hono/zod-openapi';

export const slotsOut = z
  .object({
    scope: z.string().openapi({ description: '`event:<id>` while an event runs, else `floor`', example: 'event:3' }),
    event_id: z.number().int().nullable(),
    slots: z.array(
      z.object({
        slot: z.number().int().openapi({ description: 'what /codance/dancer/{slot}/… and the fixture patch address' }),
        user_id: z.number().int().nullable().openapi({ description: 'the dancer; null for a band assigned to nobody' }),
        user_name: z.string().nullable(),
        device_keys: z.array(z.string()).openapi({ description: 'the bands they wear now' }),
        assigned_at: z.string().openapi({ description: 'ISO time the slot was taken' }),
      }),
    ),
  })
  .openapi('Slots');
