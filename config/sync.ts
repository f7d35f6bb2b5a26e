/** Cloud sync's configuration (sync/PROTOCOL.md). The cloud URL and the box's credential come from `codance sync enrol`. */
import { z } from 'zod';

export const syncClassEnum = z.enum(['records', 'features', 'raw']);

export const syncSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Off: nothing leaves the box (the outbox still fills, ready for when it is turned on).'),
    classes: z
      .array(syncClassEnum)
      .min(1)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a class')
      .default(['records', 'features', 'raw'])
      .describe(
        'Which priority classes travel, per venue: `records` (people, events, registrations, libraries), `features` (readings, inferences, crowd states, output events), `raw` (IMU/ECG/PPG chunks). Always sent in that order of priority.',
      ),
    pseudonymise: z.boolean().default(true).describe('Dancers travel as their pseudonym only (no username, no email).'),
    maxBatchRecords: z
      .number()
      .int()
      .min(1)
      .max(20_000)
      .default(2000)
      .describe('A batch holds at most this many records...'),
    maxBatchBytes: z
      .number()
      .int()
      .min(16 * 1024)
      .max(32 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('...and at most this many bytes of JSON before compression.'),
    maxDelayMs: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(5000)
      .describe('A small backlog waits at most this long for more before it is sent.'),
    maxBytesPerSecond: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .default(0)
      .describe('Cap on compressed bytes per second to the cloud; 0 = no cap.'),
    backoff: z
      .strictObject({
        initialMs: z.number().int().min(10).max(600_000).default(1000).describe('First wait after a failed attempt.'),
        maxMs: z.number().int().min(10).max(3_600_000).default(300_000).describe('The wait never grows past this.'),
      })
      .refine((b) => b.maxMs >= b.initialMs, { message: 'maxMs must be at least initialMs', path: ['maxMs'] })
      .prefault({}),
    requestTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000).describe('Per-request timeout.'),
  })
  .prefault({});
