/** Wire contracts of the cloud's HTTP API (documented at /openapi.json from these schemas). */
import { z } from '@hono/zod-openapi';

export const errorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) })
  .openapi('CloudError');

export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});
export const uidParam = z.object({ uid: z.uuid().openapi({ param: { name: 'uid', in: 'path' } }) });

export const loginIn = z
  .strictObject({ email: z.email().max(254), password: z.string().min(1).max(256) })
  .openapi('CloudLogin');
export const loginOut = z
  .object({ access_token: z.string(), token_type: z.literal('bearer'), expires_in: z.number().int() })
  .openapi('CloudToken');

export const enrolIn = z
  .strictObject({
    code: z.string().min(6).max(40).openapi({ example: 'K7M2P-X9QRT' }),
    box: z.uuid().openapi({ description: "the box's own id (box_meta.box_id)" }),
    name: z.string().trim().min(1).max(100),
  })
  .openapi('Enrol');
export const enrolOut = z
  .object({
    token: z.string().openapi({ description: "the box's credential; shown once, kept only as a hash" }),
    box: z.string(),
    venue_id: z.number().int(),
    org_id: z.number().int(),
  })
  .openapi('Enrolled');

export const orgOut = z
  .object({ id: z.number().int(), name: z.string(), role: z.enum(['owner', 'admin', 'viewer', 'box']) })
  .openapi('Org');
export const venueOut = z.object({ id: z.number().int(), org_id: z.number().int(), name: z.string() }).openapi('Venue');
export const venueIn = z.strictObject({ name: z.string().trim().min(1).max(200) }).openapi('VenueCreate');
export const memberIn = z
  .strictObject({
    email: z.email().max(254),
    role: z.enum(['owner', 'admin', 'viewer']),
    password: z.string().min(8).max(256).optional(),
  })
  .openapi('MemberAdd');
export const codeOut = z
  .object({ code: z.string(), venue_id: z.number().int(), expires_at: z.string() })
  .openapi('EnrolmentCode');
export const boxOut = z
  .object({
    uid: z.string(),
    name: z.string(),
    venue_id: z.number().int(),
    enrolled_at: z.string(),
    last_seen_at: z.string().nullable(),
    last_seq: z.number().int(),
  })
  .openapi('Box');

export const sessionOut = z
  .object({
    id: z.number().int(),
    box: z.string(),
    event_id: z.number().int(),
    name: z.string(),
    location: z.string().nullable(),
    starts_at: z.string().nullable(),
    ends_at: z.string().nullable(),
  })
  .openapi('Session');

export const pageQuery = z.object({
  after: z.string().max(200).optional().openapi({ description: '`next` from the previous page' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const sessionsPage = z
  .object({ items: z.array(sessionOut), next: z.string().nullable() })
  .openapi('SessionPage');

export const summaryOut = sessionOut
  .extend({
    dancers: z.number().int(),
    records: z.record(z.string(), z.number().int()),
    streams: z.array(
      z.object({
        stream: z.string(),
        count: z.number().int(),
        first: z.string().nullable(),
        last: z.string().nullable(),
      }),
    ),
    crowd: z.object({
      samples: z.number().int(),
      energy_mean: z.number().nullable(),
      arousal_mean: z.number().nullable(),
      peak_active_dancers: z.number(),
    }),
  })
  .openapi('SessionSummary');

const time = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
export const dataQuery = pageQuery.extend({
  stream: z.string().min(1).max(64).openapi({
    description: 'hr, eda, temp, acc, gyro, ecg, ppg, arousal, crowd, movement, patterns, sound, visualization',
  }),
  from: time.optional().openapi({ type: 'string', format: 'date-time' }),
  to: time.optional().openapi({ type: 'string', format: 'date-time' }),
});
export const dataPage = z
  .object({
    stream: z.string(),
    items: z.array(
      z.object({
        entity: z.string(),
        id: z.number().int(),
        at: z.string().nullable(),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
    next: z.string().nullable(),
  })
  .openapi('SessionData');

export const checksumsQuery = z.object({
  up_to: z.coerce.number().int().min(0).optional().openapi({
    description:
      "only records last written by the box's outbox entries up to this position (`codance sync verify`'s watermark)",
  }),
});
export const checksumsOut = z
  .record(z.string(), z.object({ count: z.number().int(), sha256: z.string() }))
  .openapi('TableChecksums');

export const dancerSummaryOut = z
  .object({
    user: z
      .number()
      .int()
      .openapi({ description: "the box's user id (the cloud holds no name unless the box sends one)" }),
    label: z.string().openapi({ description: 'username, or "dancer" and the start of the pseudonym' }),
    first: z.string().nullable(),
    last: z.string().nullable(),
    hr: z.object({ n: z.number().int(), mean: z.number().nullable(), max: z.number().nullable() }),
    eda_mean_us: z.number().nullable(),
    arousal: z.object({ n: z.number().int(), mean: z.number().nullable(), high_share: z.number().nullable() }),
    patterns: z.number().int(),
  })
  .openapi('DancerSummary');

export const csvQuery = z.object({
  stream: z
    .string()
    .min(1)
    .max(64)
    .default('crowd')
    .openapi({ description: 'one stream of the session (see its summary); default crowd' }),
});

export const timelineOut = z
  .object({
    items: z.array(
      z.object({
        at: z.string().nullable(),
        kind: z.enum(['pattern', 'sound', 'visualization']),
        text: z.string(),
        dancer: z.string().nullable(),
      }),
    ),
    truncated: z
      .boolean()
      .openapi({ description: 'more items than the limit: export the streams as CSV for all of them' }),
  })
  .openapi('SessionTimeline');
export const timelineQuery = z.object({ limit: z.coerce.number().int().min(1).max(2000).default(500) });
