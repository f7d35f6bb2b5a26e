/**
 * The whole configuration of a Codance box, as one zod schema: the single source of its
 * types, defaults and validation. Every key has its default here, so an empty file is a
 * complete configuration (the "embedded defaults").
 */
import { z } from 'zod';
import { clockSchema, playbackSchema } from './clock.js';
import { defaultRules, mappingRulesSchema, presetSchema } from './mapping.js';
import { mqttSchema } from './mqtt.js';
import { syncSchema } from './sync.js';
import { choreographySchema } from './choreography.js';
import { cidr, hostname, port, slug } from './common.js';
import { bleAdapterSchema, bleSchema, hapticControllerSchema, hapticsSchema, midiSchema } from './hardware.js';
import { oscSchema, oscTargetSchema } from './osc.js';
import { RAW_STREAMS, rawStreams, type RawStream } from './signals.js';

export const replaySourceSchema = z.discriminatedUnion('format', [
  z.strictObject({
    /** A recording made by this box (recording.path). */
    format: z.literal('codance'),
    path: z.string().min(1),
    /** 1 = real time; larger plays faster. */
    speed: z.number().min(0.1).max(1000).default(1),
  }),
  z.strictObject({
    /** An Empatica E4 CSV folder (EDA.csv, TEMP.csv, HR.csv, IBI.csv, ACC.csv, BVP.csv). */
    format: z.literal('e4'),
    path: z.string().min(1),
    speed: z.number().min(0.1).max(1000).default(1),
    /** The wristband the samples are stored under. */
    deviceKey: slug.default('e4-replay'),
  }),
]);

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const retentionDays = (d: number) => z.number().int().min(0).max(3650).default(d);
const rawRetention = Object.fromEntries(
  rawStreams.map((k) => [k, retentionDays(RAW_STREAMS[k].retentionDays)]),
) as Record<RawStream, ReturnType<typeof retentionDays>>;

export const configSchema = z.strictObject({
  box: z
    .strictObject({
      /** Shown in logs, /health, MQTT topics, and as the box's name on the cloud dashboard when it enrols. */
      name: slug.default('codance-box'),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: hostname.default('127.0.0.1'),
      /** Addresses / CIDRs (a monitoring server) that may read /metrics and the details of /health; loopback always may. */
      trusted: z.array(cidr).max(256).default([]),
      port: port.default(8080),
      /** Largest JSON request body; bigger bodies get 413 before they are read whole. */
      maxBodyBytes: z
        .number()
        .int()
        .min(1024)
        .max(16 * 1024 * 1024)
        .default(1024 * 1024),
      /** Largest sound sample upload (audio file plus form fields). */
      maxSampleBytes: z
        .number()
        .int()
        .min(1024)
        .max(256 * 1024 * 1024)
        .default(20 * 1024 * 1024),
      /** Largest song import (audio file plus form fields). */
      maxSongBytes: z
        .number()
        .int()
        .min(1024)
        .max(1024 * 1024 * 1024)
        .default(100 * 1024 * 1024),
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
      /** Guards the disk the store lives on (daemon/store/README.md, disk sizing). */
      disk: z
        .strictObject({
          /** Below this much free space, raw streams are shed and pruned early; below half of it, features too. */
          minFreeBytes: z
            .number()
            .int()
            .min(1024 * 1024)
            .default(512 * 1024 * 1024),
          /** Space held back in a reserve file beside the store, released for records when the disk fills. */
          reserveBytes: z
            .number()
            .int()
            .min(0)
            .max(1024 * 1024 * 1024)
            .default(32 * 1024 * 1024),
          /** How often free space is measured. */
          checkMs: z.number().int().min(100).max(60_000).default(1000),
        })
        .prefault({}),
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
      /** The simulated crowd's mood, 0 calm .. 1 wild: how hard they dance. */
      mood: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  ble: bleSchema,
  haptics: hapticsSchema,
  midi: midiSchema,
  clock: clockSchema,
  playback: playbackSchema,
  mapping: z
    .strictObject({
      /** Always-on rules (the default address space); live edits through the API replace them. */
      rules: mappingRulesSchema.prefault(defaultRules),
      /** Named sound and visualization presets; stored presets (API) with `parameters.rules` are found too. */
      presets: z.record(slug, presetSchema).default({}),
      /** Presets active at start, one per kind. */
      active: z.strictObject({ sound: slug.optional(), visualization: slug.optional() }).prefault({}),
    })
    .prefault({}),
  pipeline: z
    .strictObject({
      /** Features, models and the crowd state; off leaves only storage. */
      enabled: z.boolean().default(true),
      /** Which runtime runs the arousal model: onnxruntime-node, or TensorFlow.js on its WASM backend. */
      arousalRuntime: z.enum(['onnx', 'tfjs']).default('onnx'),
      /** Crowd states per second. */
      crowdHz: z.number().min(0.1).max(20).default(1),
      /** Seconds of wrist acceleration behind each movement reading. */
      movementWindowS: z.number().min(1).max(10).default(4),
      /** How often each active dancer is matched against the learned movement patterns. */
      patternEveryMs: z.number().int().min(100).max(10_000).default(500),
      /** A pattern is reported at this confidence or above (0..1). */
      patternConfidence: z.number().min(0).max(1).default(0.6),
      /** A dancer counts as active with movement this recent (ms) and this strong (g RMS). */
      activeWithinMs: z.number().int().min(500).max(60_000).default(5000),
      activeIntensityG: z.number().min(0).max(4).default(0.05),
      /** Arousal readings older than this are left out of the crowd state. */
      arousalMaxAgeMs: z.number().int().min(1000).max(600_000).default(30_000),
      /** Movement intensity (g RMS) that counts as full energy. */
      fullEnergyG: z.number().min(0.05).max(4).default(0.6),
    })
    .prefault({}),
  retention: z
    .strictObject({
      /** How often expired rows are deleted. */
      everyMinutes: z.number().int().min(1).max(10_080).default(60),
      /** Days each stream is kept on the box; 0 = forever. */
      days: z
        .strictObject({
          // One per raw stream of the signal registry, defaulting to its `retentionDays`.
          ...rawRetention,
          biometrics: z.number().int().min(0).max(3650).default(90),
          inferences: z.number().int().min(0).max(3650).default(90),
          crowd: z.number().int().min(0).max(3650).default(365),
        })
        .prefault({}),
    })
    .prefault({}),
  recording: z
    .strictObject({
      /** When set, raw BLE notifications and serial frames are recorded to this file (JSON lines) for replay. */
      path: z.string().min(1).optional(),
    })
    .prefault({}),
  replay: z
    .strictObject({
      /** Recordings and E4 folders played back as if their wearables were in the room. */
      sources: z.array(replaySourceSchema).max(32).default([]),
    })
    .prefault({}),
  osc: oscSchema,
  auth: z
    .strictObject({
      /** Signs the API's tokens (HS256). Secret: never printed or logged. Generated and kept in the store when unset. */
      jwtSecret: z.string().min(32, 'must be at least 32 characters').optional(),
      /** Lifetime of an access token; short, because a stolen one cannot be revoked. */
      accessTokenTtlS: z.number().int().min(60).max(86_400).default(900),
      /** Lifetime of a refresh token (rotated on every use, revocable). */
      refreshTokenTtlS: z
        .number()
        .int()
        .min(300)
        .max(90 * 86_400)
        .default(14 * 86_400),
      /** Failed logins free per account and address; each further one doubles a wait (1 s, 2 s, 4 s …). Four times this across addresses starts an account-wide wait of at most a minute. */
      loginFailuresPerUser: z.number().int().min(1).max(100).default(5),
      /** Login attempts allowed per client address in `loginWindowS`. */
      loginAttemptsPerAddress: z.number().int().min(1).max(10_000).default(30),
      /** Failures older than this are forgotten. */
      loginWindowS: z.number().int().min(1).max(86_400).default(900),
      /** The longest wait per account and address. */
      loginMaxDelayS: z.number().int().min(1).max(86_400).default(900),
      /** Whether anyone who can reach the box may self-register as a dancer (POST /api/v1/users/register). */
      openRegistration: z.boolean().default(true),
    })
    .prefault({}),
  mqtt: mqttSchema,
  sync: syncSchema,
  choreography: choreographySchema,
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
export { oscTargetSchema, bleAdapterSchema, hapticControllerSchema };
export type OscTarget = z.infer<typeof oscTargetSchema>;
export type HapticControllerConfig = z.infer<typeof hapticControllerSchema>;
export type BleAdapterConfig = z.infer<typeof bleAdapterSchema>;
export type ReplaySource = z.infer<typeof replaySourceSchema>;
export type LogLevel = (typeof logLevels)[number];
