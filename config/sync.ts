/** Cloud sync's configuration (sync/PROTOCOL.md). The cloud URL and the box's credential come from `codance sync enrol`. */
import { z } from 'zod';

export const syncClassEnum = z.enum(['records', 'features', 'raw']);

export const syncSchema = z
  .strictObject({
    /** Off: nothing leaves the box (the outbox still fills, ready for when it is turned on). */
    enabled: z.boolean().default(true),
    /**
     * Which priority classes travel, per venue: `records` (people, events, registrations,
     * libraries), `features` (readings, inferences, crowd states, output events), `raw`
     * (IMU/ECG/PPG chunks). Always sent in that order of priority.
     */
    classes: z
      .array(syncClassEnum)
      .min(1)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a class')
      .default(['records', 'features', 'raw']),
    /** Dancers travel as their pseudonym only (no username, no email). */
    pseudonymise: z.boolean().default(true),
    /** A batch holds at most this many records... */
    maxBatchRecords: z.number().int().min(1).max(20_000).default(2000),
    /** ...and at most this many bytes of JSON before compression. */
    maxBatchBytes: z
      .number()
      .int()
      .min(16 * 1024)
      .max(32 * 1024 * 1024)
      .default(1024 * 1024),
    /** A small backlog waits at most this long for more before it is sent. */
    maxDelayMs: z.number().int().min(100).max(3_600_000).default(5000),
    /** Cap on compressed bytes per second to the cloud; 0 = no cap. */
    maxBytesPerSecond: z.number().int().min(0).max(1_000_000_000).default(0),
    backoff: z
      .strictObject({
        initialMs: z.number().int().min(10).max(600_000).default(1000),
        maxMs: z.number().int().min(10).max(3_600_000).default(300_000),
      })
      .refine((b) => b.maxMs >= b.initialMs, { message: 'maxMs must be at least initialMs', path: ['maxMs'] })
      .prefault({}),
    requestTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
  })
  .prefault({});
