/** Wire contracts of the root routes: the responses are built and tested against these. */
import { z } from 'zod';

export const componentHealthSchema = z.object({
  id: z.string(),
  type: z.enum(['device', 'subsystem']),
  state: z.enum(['starting', 'connected', 'retrying', 'error', 'stopped', 'unavailable']),
  detail: z.string().optional(),
  lastSampleAt: z.number().optional(),
  batteryPercent: z.number().optional(),
  rssi: z.number().optional(),
  errors: z.record(z.string(), z.number()).optional(),
  updatedAt: z.number(),
});

export const storeHealthSchema = z.object({
  path: z.string(),
  boxId: z.string(),
  journalMode: z.string(),
  sizeBytes: z.number(),
  queued: z.number(),
  rowsWritten: z.number(),
  batches: z.number(),
  lastFlushAt: z.number().nullable(),
  lastFlushMs: z.number().nullable(),
  failedFlushes: z.number(),
  lostSamples: z.number(),
  lostByStream: z.record(z.string(), z.number()),
  failing: z.boolean(),
  withheldNoConsent: z.number(),
  localOnly: z.number(),
  lastError: z.string().nullable(),
  openChunks: z.number(),
  migration: z.string().optional(),
  disk: z
    .object({
      level: z.enum(['ok', 'low', 'critical']),
      freeBytes: z.number(),
      minFreeBytes: z.number(),
      reserveHeld: z.boolean(),
      prunedEarly: z.record(z.string(), z.number()),
    })
    .optional(),
});

export const syncHealthSchema = z.object({
  state: z.enum(['idle', 'sending', 'backoff', 'not_enrolled', 'stopped']),
  cloud: z.string().nullable(),
  classes: z.array(z.string()),
  backlog: z.object({
    entries: z.number(),
    bytes: z.number(),
    oldestUnsentAgeS: z.number().nullable(),
    byClass: z.record(z.string(), z.number()),
  }),
  lastSuccessAt: z.number().nullable(),
  lastAttemptAt: z.number().nullable(),
  lastError: z.string().nullable(),
  consecutiveFailures: z.number(),
  nextAttemptAt: z.number().nullable(),
  draining: z.boolean(),
  sent: z.object({
    batches: z.number(),
    records: z.number(),
    wireBytes: z.number(),
    rawBytes: z.number(),
    duplicates: z.number(),
    skipped: z.number(),
  }),
});

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  version: z.string(),
  uptimeS: z.number(),
  box: z.object({ name: z.string(), id: z.string() }),
  store: storeHealthSchema.nullable(),
  /** Cloud sync, when enabled. */
  sync: syncHealthSchema.optional(),
  drivers: z.object({
    total: z.number(),
    byState: z.record(z.string(), z.number()),
    components: z.array(componentHealthSchema),
  }),
});

export const apiInfoSchema = z.object({
  name: z.literal('codance'),
  version: z.string(),
  box: z.string(),
  links: z.record(z.string(), z.string()),
});

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

export type Health = z.infer<typeof healthSchema>;
export type ApiInfo = z.infer<typeof apiInfoSchema>;
