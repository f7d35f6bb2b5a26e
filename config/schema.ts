/**
 * The whole configuration of a Codance box, as one zod schema: the single source of its
 * types, defaults and validation. Every key has its default here, so an empty file is a
 * complete configuration (the "embedded defaults").
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { clockSchema, playbackSchema } from './clock.js';
import { defaultRules, mappingRulesSchema, presetSchema } from './mapping.js';
import { mqttSchema } from './mqtt.js';
import { syncSchema } from './sync.js';
import { choreographySchema } from './choreography.js';
import { RAW_STREAMS, rawStreams, type RawStream } from './signals.js';

const port = z.number().int().min(1).max(65535);
const hostname = z.string().min(1).max(253);
/** An IPv4/IPv6 address, or a network in CIDR form (`10.0.0.0/24`). */
const cidr = z.string().refine(
  (v) => {
    const [addr, bits, ...rest] = v.split('/');
    const family = isIP(addr ?? '');
    if (family === 0 || rest.length > 0) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
  },
  { message: 'must be an IP address or a CIDR network such as 10.0.0.0/24' },
);
/** A name that is safe in OSC addresses, MQTT topics and file names. */
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'must be 1-63 letters, digits, "-" or "_"');

export const oscTargetSchema = z.strictObject({
  name: slug,
  host: hostname,
  port,
  /** udp, or tcp with SLIP framing (OSC 1.1, as ETC Eos prefers). */
  transport: z.enum(['udp', 'tcp']).default('udp'),
  /** Continuous values (levels, heart rates) go out at this steady rate, as bundles. */
  rateHz: z.number().min(1).max(200).default(30),
  /** Per-target cap on messages per second (triggers and continuous together); the excess is dropped and counted. */
  maxMessagesPerS: z.number().int().min(1).max(100_000).default(2000),
  /** Send beat-synchronous events early, in bundles time-tagged for the beat (for receivers that honour time tags); otherwise the box holds them and sends each when due. */
  timeTags: z.boolean().default(false),
  /** Largest datagram (UDP) or frame (TCP) built; bundles are split to fit. Ethernet-safe default. */
  maxPacketBytes: z.number().int().min(256).max(65_507).default(1400),
});

const backoff = (initialMs: number, maxMs: number) =>
  z
    .strictObject({
      /** First wait after a loss. */
      initialMs: z.number().int().min(10).max(60_000).default(initialMs),
      /** The wait never grows past this. */
      maxMs: z.number().int().min(10).max(600_000).default(maxMs),
      /** Each failed attempt multiplies the wait by this. */
      factor: z.number().min(1).max(10).default(2),
    })
    .refine((b) => b.maxMs >= b.initialMs, { message: 'maxMs must be at least initialMs', path: ['maxMs'] })
    .prefault({});

const bleAddress = z
  .string()
  .regex(
    /^([0-9a-f]{2}:){5}[0-9a-f]{2}$|^[0-9a-f]{12,32}$/i,
    'must be a BLE address (aa:bb:cc:dd:ee:ff) or a peripheral id (hex)',
  );

export const allowEntrySchema = z
  .strictObject({
    /** BLE address or the platform's peripheral id. */
    address: bleAddress.optional(),
    /** Prefix of the advertised name, e.g. "Polar H10" (any device whose name starts with it). */
    name: z.string().min(1).max(64).optional(),
  })
  .refine((e) => e.address !== undefined || e.name !== undefined, { message: 'give an address or a name prefix' });

const pmdStream = (enabled: boolean, sampleRate: number, resolution: number, range?: number) =>
  z
    .strictObject({
      enabled: z.boolean().default(enabled),
      sampleRate: z.number().int().min(1).max(10_000).default(sampleRate),
      resolution: z.number().int().min(1).max(32).default(resolution),
      /** ±g for accelerometers; absent for streams without a range (ECG). */
      range:
        range === undefined
          ? z.number().int().min(1).max(64).optional()
          : z.number().int().min(1).max(64).default(range),
    })
    .prefault({});

/**
 * One Bluetooth LE radio the box reads wearables through. Each runs in its own supervised
 * process (drivers/README.md, "Radios"), so a radio that fails or is unplugged never stops the others.
 */
export const bleAdapterSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    name: slug,
    /** A Linux HCI socket: the onboard controller or a USB dongle the kernel knows as hciN. */
    transport: z.literal('socket'),
    device: z.number().int().min(0).max(63).default(0),
    /** Links on this radio at once; default `ble.maxConnected`. */
    maxConnected: z.number().int().min(1).max(64).optional(),
  }),
  z.strictObject({
    name: slug,
    /** A controller running HCI-over-UART firmware (H4), e.g. an nRF52 (Zephyr hci_uart) or an ESP32. */
    transport: z.literal('uart'),
    path: z.string().min(1),
    /** Must match the firmware; RTS/CTS flow control is always on. */
    baudRate: z.number().int().min(9600).max(4_000_000).default(1_000_000),
    maxConnected: z.number().int().min(1).max(64).optional(),
  }),
]);

export const hapticControllerSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    name: slug,
    /** A controller speaking the Codance haptic serial protocol (drivers/serial/PROTOCOL.md). */
    transport: z.literal('serial'),
    path: z.string().min(1),
    baudRate: z.number().int().min(1200).max(4_000_000).default(115_200),
    channels: z.number().int().min(1).max(255).default(8),
  }),
  z.strictObject({
    name: slug,
    /** An Arduino running StandardFirmata; each channel is a PWM pin. */
    transport: z.literal('firmata'),
    path: z.string().min(1),
    baudRate: z.number().int().min(1200).max(4_000_000).default(57_600),
    pins: z.array(z.number().int().min(0).max(127)).min(1).max(64),
  }),
  z.strictObject({
    name: slug,
    /** The simulated controller on an in-memory line (demo and laptops). */
    transport: z.literal('sim'),
    channels: z.number().int().min(1).max(255).default(8),
  }),
]);

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
  ble: z
    .strictObject({
      /** Off by default: a box without Bluetooth should not report a failure it was never asked for. */
      enabled: z.boolean().default(false),
      /** Only these wearables are connected; everything else is only listed by `codance scan`. */
      allowlist: z.array(allowEntrySchema).max(500).default([]),
      /** The radios; none listed = one socket radio on hci0. Wearables are spread over them. */
      adapters: z
        .array(bleAdapterSchema)
        .max(16)
        .default([])
        .superRefine((list, ctx) => {
          const names = new Set<string>();
          const places = new Set<string>();
          list.forEach((a, i) => {
            if (names.has(a.name))
              ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate radio name "${a.name}"` });
            names.add(a.name);
            const place = a.transport === 'socket' ? `hci${a.device}` : a.path;
            if (places.has(place))
              ctx.addIssue({
                code: 'custom',
                path: [i, a.transport === 'socket' ? 'device' : 'path'],
                message: `${place} is already used by another radio`,
              });
            places.add(place);
          });
        }),
      /** Links per radio at once: typical controllers manage 7-10 reliably. */
      maxConnected: z.number().int().min(1).max(64).default(7),
      connectTimeoutMs: z.number().int().min(500).max(60_000).default(10_000),
      /** How long to wait for the adapter to power on before reporting BLE unavailable. */
      poweredOnTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      reconnect: backoff(1000, 30_000),
      /** A radio that fails or is unplugged is restarted with this backoff. */
      adapterRetry: backoff(1000, 30_000),
      rssiEveryMs: z.number().int().min(100).max(600_000).default(5000),
      /** Polar Measurement Data streams started on Polar devices (H10: acc 25/50/100/200 Hz, ECG 130 Hz). */
      pmd: z
        .strictObject({
          acc: pmdStream(true, 50, 16, 8),
          ecg: pmdStream(false, 130, 14),
        })
        .prefault({}),
    })
    .prefault({}),
  haptics: z
    .strictObject({
      controllers: z
        .array(hapticControllerSchema)
        .max(32)
        .default([])
        .superRefine((list, ctx) => {
          const seen = new Set<string>();
          list.forEach((c, i) => {
            if (seen.has(c.name))
              ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate controller name "${c.name}"` });
            seen.add(c.name);
          });
        }),
      /** Wait this long for an acknowledgement before resending (serial controllers). */
      ackTimeoutMs: z.number().int().min(5).max(5000).default(50),
      retries: z.number().int().min(0).max(10).default(3),
      heartbeatMs: z.number().int().min(100).max(60_000).default(1000),
      /** Beat-synchronous cues are sent this much before the beat, so the motor is felt on it. */
      leadMs: z.number().int().min(0).max(1000).default(40),
      /** A command older than this when it could finally be sent is dropped: a late haptic is worse than none. */
      deadlineMs: z.number().int().min(10).max(60_000).default(500),
      /** Commands waiting while a line is down; the oldest is dropped when full. */
      maxQueued: z.number().int().min(1).max(10_000).default(64),
      reopen: backoff(100, 1000),
    })
    .prefault({}),
  midi: z
    .strictObject({
      clockIn: z
        .strictObject({
          /** MIDI input port to follow clock from (24 ppqn, start/stop/continue); unset = off. */
          port: z.string().min(1).max(200).optional(),
          /** While the port (or ALSA) is missing, try again this often. */
          retryMs: z.number().int().min(200).max(600_000).default(5000),
        })
        .prefault({}),
      out: z
        .strictObject({
          /** MIDI output port for mapped CC and notes (and clock); unset = off. */
          port: z.string().min(1).max(200).optional(),
          /** Send MIDI clock (24 ppqn) and start/stop from the music clock on this port. */
          clock: z.boolean().default(false),
          retryMs: z.number().int().min(200).max(600_000).default(5000),
        })
        .prefault({}),
    })
    .prefault({}),
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
  osc: z
    .strictObject({
      targets: z
        .array(oscTargetSchema)
        .max(32)
        .prefault([{ name: 'desk', host: '127.0.0.1', port: 9000 }])
        .superRefine((targets, ctx) => {
          const seen = new Set<string>();
          targets.forEach((t, i) => {
            if (seen.has(t.name))
              ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate target name "${t.name}"` });
            seen.add(t.name);
          });
        }),
      in: z
        .strictObject({
          /** UDP port for clock, preset, haptic and mapping commands; 0 = off. */
          port: z.number().int().min(0).max(65535).default(8000),
          /** Loopback unless a desk on the venue network must reach it: then the box's LAN address (or 0.0.0.0) and `allow`. */
          host: hostname.default('127.0.0.1'),
          /** Addresses or CIDRs (IPv4 or IPv6) commands are taken from; loopback always is. Also who may read OSCQuery. */
          allow: z.array(cidr).max(256).default([]),
          /** When set, only commands signed with it are taken (HMAC-SHA256, daemon/room/README.md "Signed OSC commands"). Secret. */
          commandSecret: z.string().min(16).optional(),
          /** A signed command older than this (or from further in the future) is refused. */
          maxCommandAgeS: z.number().int().min(1).max(3600).default(30),
        })
        .prefault({}),
      query: z
        .strictObject({
          /** HTTP port of the OSCQuery server (its JSON must be at the root); 0 = off. */
          port: z.number().int().min(0).max(65535).default(8001),
          /** Loopback unless desks must browse it; readers are limited to loopback and `osc.in.allow`. */
          host: hostname.default('127.0.0.1'),
          /** Advertise _oscjson._tcp and _osc._udp over mDNS; only done when `host` is not loopback. */
          mdns: z.boolean().default(true),
        })
        .prefault({}),
    })
    .prefault({}),
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
export type OscTarget = z.infer<typeof oscTargetSchema>;
export type HapticControllerConfig = z.infer<typeof hapticControllerSchema>;
export type BleAdapterConfig = z.infer<typeof bleAdapterSchema>;
export type ReplaySource = z.infer<typeof replaySourceSchema>;
export type LogLevel = (typeof logLevels)[number];
