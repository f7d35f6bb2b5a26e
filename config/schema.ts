/**
 * The whole configuration of a Codance box, as one zod schema: the single source of its
 * types, defaults and validation. Every key has its default here, so an empty file is a
 * complete configuration (the "embedded defaults").
 */
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);
const hostname = z.string().min(1).max(253);
/** A name that is safe in OSC addresses, MQTT topics and file names. */
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'must be 1-63 letters, digits, "-" or "_"');

export const oscTargetSchema = z.strictObject({
  name: slug,
  host: hostname,
  port,
});

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const configSchema = z.strictObject({
  box: z
    .strictObject({
      /** Shown in logs, /health and (later) on the cloud dashboard. */
      name: slug.default('codance-box'),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: hostname.default('127.0.0.1'),
      port: port.default(8080),
      /** Largest JSON request body; bigger bodies get 413 before they are read whole. */
      maxBodyBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
      /** Largest sound sample upload (audio file plus form fields). */
      maxSampleBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(20 * 1024 * 1024),
    })
    .prefault({}),
  store: z
    .strictObject({
      /** SQLite file; relative paths are relative to the working directory. */
      path: z.string().min(1).default('./var/codance.db'),
      /** Writes are grouped into one transaction at most this often (ARCHITECTURE: <=100 ms). */
      batchMs: z.number().int().min(5).max(100).default(50),
      /** A batch is flushed early when this many rows are waiting, bounding memory under bursts. */
      maxBatchRows: z.number().int().min(100).max(100_000).default(5000),
      /** Raw streams (IMU, PPG, ECG) are packed into chunks of about this many milliseconds. */
      chunkMs: z.number().int().min(100).max(10_000).default(1000),
    })
    .prefault({}),
  simulation: z
    .strictObject({
      /** Simulated dancers with wristbands; 0 = none. Production configs keep 0. */
      dancers: z.number().int().min(0).max(500).default(0),
      /** Seed of the simulated venue, so a run can be reproduced. */
      seed: z.number().int().min(0).default(1),
      /** Accelerometer rate of each simulated wristband. */
      imuRateHz: z.number().int().min(1).max(400).default(50),
      /** Tempo the simulated crowd dances to. */
      bpm: z.number().min(40).max(220).default(128),
    })
    .prefault({}),
  osc: z
    .strictObject({
      targets: z
        .array(oscTargetSchema)
        .max(32)
        .default([{ name: 'desk', host: '127.0.0.1', port: 9000 }])
        .superRefine((targets, ctx) => {
          const seen = new Set<string>();
          targets.forEach((t, i) => {
            if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate target name "${t.name}"` });
            seen.add(t.name);
          });
        }),
    })
    .prefault({}),
  auth: z
    .strictObject({
      /** Signs the API's tokens (HS256). Secret: never printed or logged. Generated and kept in the store when unset. */
      jwtSecret: z.string().min(32, 'must be at least 32 characters').optional(),
      /** Lifetime of an access token; short, because a stolen one cannot be revoked. */
      accessTokenTtlS: z.number().int().min(60).max(86_400).default(900),
      /** Lifetime of a refresh token (rotated on every use, revocable). */
      refreshTokenTtlS: z.number().int().min(300).max(90 * 86_400).default(14 * 86_400),
      /** Failed logins allowed per username in `loginWindowS` before that username is locked for the rest of the window. */
      loginFailuresPerUser: z.number().int().min(1).max(100).default(5),
      /** Login attempts allowed per client address in `loginWindowS`. */
      loginAttemptsPerAddress: z.number().int().min(1).max(10_000).default(30),
      loginWindowS: z.number().int().min(1).max(86_400).default(900),
      /** Whether anyone who can reach the box may self-register as a dancer (POST /api/v1/users/register). */
      openRegistration: z.boolean().default(true),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(logLevels).default('info'),
    })
    .prefault({}),
  data: z
    .strictObject({
      /** Third-party recordings used for training and evaluation (never copied into the repo). */
      path: z.string().min(1).default('../shared/data'),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type OscTarget = z.infer<typeof oscTargetSchema>;
export type LogLevel = (typeof logLevels)[number];
