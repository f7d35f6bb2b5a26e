/** Wire contracts of a dancer's data rights: erasures, consent history, the access log. */
import { z } from '@hono/zod-openapi';
import { isoTime } from '../paging.js';

export const erasureOut = z
  .object({
    id: z.number().int(),
    user_id: z.number().int().openapi({ description: 'the id the erased dancer had on this box' }),
    requested_by: z.number().int().nullable().openapi({ description: 'the account that asked (the dancer, or staff)' }),
    requested_role: z.string(),
    via: z.string().openapi({ example: 'api' }),
    requested_at: isoTime,
    finished_at: isoTime.nullable(),
    erased: z.record(z.string(), z.number().int()).openapi({ description: 'rows deleted per table' }),
  })
  .openapi('Erasure');

export const erasureResultOut = z
  .object({ status: z.enum(['erased', 'already_erased']), erasure: erasureOut })
  .openapi('ErasureResult');

export const consentChangeOut = z
  .object({
    id: z.number().int(),
    consent: z.enum(['biometrics', 'cloud_sync']),
    granted: z.boolean(),
    changed_at: isoTime,
    changed_by: z.number().int().nullable(),
    via: z.string(),
  })
  .openapi('ConsentChange');

export const accessEntryOut = z
  .object({
    id: z.number().int(),
    at: isoTime,
    actor_id: z.number().int().nullable(),
    actor: z.string().openapi({ description: 'the username at the time of the read' }),
    actor_role: z.string(),
    subject_id: z.number().int().nullable().openapi({ description: 'whose data; null when several dancers' }),
    action: z.string().openapi({ example: 'console.vitals' }),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('AccessEntry');

export const accessQuery = z.object({
  user_id: z.coerce.number().int().positive().optional().openapi({ description: 'reads of this dancer' }),
  actor_id: z.coerce.number().int().positive().optional().openapi({ description: 'reads by this account' }),
  from: isoTime.optional(),
  to: isoTime.optional(),
  before_id: z.coerce.number().int().positive().optional().openapi({ description: 'entries older than this id' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
