/** Wire contracts of the cloud's data-rights routes: retention policies, the access log, a pseudonym's export. */
import { z } from '@hono/zod-openapi';
import { idParam } from './contracts.js';

export const retentionClass = z.enum(['records', 'features', 'raw']);

export const retentionOut = z
  .object({
    org_id: z.number().int(),
    policies: z.array(
      z.object({
        class: retentionClass,
        days: z.number().int().openapi({ description: 'days kept; 0 = for ever' }),
        updated_at: z.string().nullable(),
        updated_by: z.number().int().nullable(),
      }),
    ),
  })
  .openapi('RetentionPolicy');

export const retentionIn = z
  .strictObject({
    records: z.number().int().min(0).max(3650).optional(),
    features: z.number().int().min(0).max(3650).optional(),
    raw: z.number().int().min(0).max(3650).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one of records, features, raw' })
  .openapi('RetentionIn');

export const auditQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  before_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const auditEntryOut = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor_id: z.number().int().nullable(),
    actor: z.string().openapi({ description: "the dashboard user's email, or box:UID" }),
    action: z.string().openapi({ example: 'session.csv' }),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

export const pseudonymParam = z.object({
  id: idParam.shape.id,
  pseudonym: z
    .string()
    .regex(/^p_[A-Za-z0-9_-]{1,64}$/, 'a pseudonym as boxes make them (p_ and up to 64 letters, digits, _ or -)')
    .openapi({ param: { name: 'pseudonym', in: 'path' }, example: 'p_3Vx9QeZt1Lm2' }),
});
