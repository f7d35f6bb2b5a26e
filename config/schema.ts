/**
 * The whole configuration of a Codance box, as one zod schema: the single source of its
 * types, defaults and validation. Every key has its default here, so an empty file is a
 * complete configuration (the "embedded defaults").
 */
import { z } from 'zod';
import { clockSchema, playbackSchema } from './clock.js';
import { defaultRules, mappingRulesSchema, presetSchema, type MappingRule } from './mapping.js';
import { mqttSchema } from './mqtt.js';
import { syncSchema } from './sync.js';
import { choreographySchema } from './choreography.js';
import { slug } from './common.js';
import { bleAdapterSchema, bleSchema, hapticControllerSchema, hapticsSchema, midiSchema } from './hardware.js';
import { oscSchema, oscTargetSchema } from './osc.js';
import { dmxSchema } from './dmx.js';
import { slotRanges } from './slots.js';
import { authSchema, httpSchema } from './http.js';
import { laneSchema } from './lane.js';
import { logSchema, logLevels, type LogLevel } from './log.js';
import { pipelineSchema } from './pipeline.js';
import { RAW_STREAMS, rawStreams, type RawStream } from './signals.js';

export const replaySourceSchema = z.discriminatedUnion('format', [
  z.strictObject({
    format: z.literal('codance').describe('A recording made by this box (recording.path).'),
    path: z.string().min(1).describe('The recording file.'),
    speed: z.number().min(0.1).max(1000).default(1).describe('1 = real time; larger plays faster.'),
  }),
  z.strictObject({
    format: z
      .literal('e4')
      .describe('An Empatica E4 CSV folder (EDA.csv, TEMP.csv, HR.csv, IBI.csv, ACC.csv, BVP.csv).'),
    path: z.string().min(1).describe('The folder holding the E4 CSV files.'),
    speed: z.number().min(0.1).max(1000).default(1).describe('1 = real time; larger plays faster.'),
    deviceKey: slug.default('e4-replay').describe('The wristband the samples are stored under.'),
  }),
]);

const retentionDays = (d: number) => z.number().int().min(0).max(3650).default(d);
const rawRetention = Object.fromEntries(
  rawStreams.map((k) => [
    k,
    retentionDays(RAW_STREAMS[k].retentionDays).describe(`Days ${RAW_STREAMS[k].label} chunks are kept.`),
  ]),
) as Record<RawStream, ReturnType<typeof retentionDays>>;

export const configSchema = z
  .strictObject({
    box: z
      .strictObject({
        name: slug
          .default('codance-box')
          .describe(
            "Shown in logs, /health, MQTT topics, and as the box's name on the cloud dashboard when it enrols.",
          ),
      })
      .prefault({}),
    http: httpSchema,
    store: z
      .strictObject({
        path: z
          .string()
          .min(1)
          .default('./var/codance.db')
          .describe('SQLite file; relative paths are relative to the working directory.'),
        batchMs: z
          .number()
          .int()
          .min(5)
          .max(100)
          .default(50)
          .describe('Writes are grouped into one transaction at most this often (ARCHITECTURE: <=100 ms).'),
        maxBatchRows: z
          .number()
          .int()
          .min(100)
          .max(100_000)
          .default(5000)
          .describe('A batch is flushed early when this many rows are waiting, bounding memory under bursts.'),
        chunkMs: z
          .number()
          .int()
          .min(100)
          .max(10_000)
          .default(1000)
          .describe('Raw streams (IMU, PPG, ECG) are packed into chunks of about this many milliseconds.'),
        disk: z
          .strictObject({
            minFreeBytes: z
              .number()
              .int()
              .min(1024 * 1024)
              .default(512 * 1024 * 1024)
              .describe(
                'Below this much free space, raw streams are shed and pruned early; below half of it, features too.',
              ),
            reserveBytes: z
              .number()
              .int()
              .min(0)
              .max(1024 * 1024 * 1024)
              .default(32 * 1024 * 1024)
              .describe(
                'Space held back in a reserve file beside the store, released for records when the disk fills.',
              ),
            checkMs: z.number().int().min(100).max(60_000).default(1000).describe('How often free space is measured.'),
          })
          .prefault({})
          .describe('Guards the disk the store lives on (daemon/store/README.md, disk sizing).'),
      })
      .prefault({}),
    simulation: z
      .strictObject({
        dancers: z
          .number()
          .int()
          .min(0)
          .max(500)
          .default(0)
          .describe('Simulated dancers with wristbands; 0 = none. Production configs keep 0.'),
        seed: z.number().int().min(0).default(1).describe('Seed of the simulated venue, so a run can be reproduced.'),
        imuRateHz: z
          .number()
          .int()
          .min(1)
          .max(400)
          .default(50)
          .describe('Accelerometer rate of each simulated wristband.'),
        bpm: z.number().min(40).max(220).default(128).describe('Tempo the simulated crowd dances to.'),
        mood: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe("The simulated crowd's mood, 0 calm .. 1 wild: how hard they dance."),
        demoEvent: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe(
            'With simulated dancers: an event of this name runs while the daemon does, so the demo is a session.',
          ),
      })
      .prefault({}),
    ble: bleSchema,
    haptics: hapticsSchema,
    midi: midiSchema,
    clock: clockSchema,
    playback: playbackSchema,
    mapping: z
      .strictObject({
        rules: mappingRulesSchema
          .prefault(defaultRules)
          .describe('Always-on rules (the default address space); live edits through the API replace them.'),
        presets: z
          .record(slug, presetSchema)
          .default({})
          .describe(
            'Named sound and visualization presets; stored presets (API) with `parameters.rules` are found too.',
          ),
        active: z
          .strictObject({
            sound: slug.optional().describe('The sound preset active at start; unset = none.'),
            visualization: slug.optional().describe('The visualization preset active at start; unset = none.'),
          })
          .prefault({})
          .describe('Presets active at start, one per kind.'),
        groups: z
          .record(slug, slotRanges)
          .default({})
          .describe('Named sets of dancer slots rules can select, e.g. `front: "1-12"`.'),
      })
      .prefault({}),
    pipeline: pipelineSchema,
    lane: laneSchema,
    retention: z
      .strictObject({
        everyMinutes: z.number().int().min(1).max(10_080).default(60).describe('How often expired rows are deleted.'),
        days: z
          .strictObject({
            // One per raw stream of the signal registry, defaulting to its `retentionDays`.
            ...rawRetention,
            biometrics: z
              .number()
              .int()
              .min(0)
              .max(3650)
              .default(90)
              .describe('Days heart rate, EDA and temperature rows are kept.'),
            inferences: z
              .number()
              .int()
              .min(0)
              .max(3650)
              .default(90)
              .describe('Days model outputs (arousal) are kept.'),
            crowd: z.number().int().min(0).max(3650).default(365).describe('Days crowd states are kept.'),
            audit: retentionDays(365).describe("Days the access log (who read a dancer's biometrics) is kept."),
          })
          .prefault({})
          .describe('Days each stream is kept on the box; 0 = forever.'),
      })
      .prefault({}),
    recording: z
      .strictObject({
        path: z
          .string()
          .min(1)
          .optional()
          .describe(
            'When set, raw BLE notifications and serial frames are recorded to this file (JSON lines) for replay.',
          ),
      })
      .prefault({}),
    replay: z
      .strictObject({
        sources: z
          .array(replaySourceSchema)
          .max(32)
          .default([])
          .describe('Recordings and E4 folders played back as if their wearables were in the room.'),
      })
      .prefault({}),
    osc: oscSchema,
    dmx: dmxSchema,
    auth: authSchema,
    mqtt: mqttSchema,
    sync: syncSchema,
    choreography: choreographySchema,
    log: logSchema,
    data: z
      .strictObject({
        path: z
          .string()
          .min(1)
          .default('../shared/data')
          .describe('Third-party recordings used for training and evaluation (never copied into the repo).'),
      })
      .prefault({}),
  })
  .superRefine(namesResolve);

/**
 * Names rules use must exist: the OSC targets they name, the fixtures they drive, the slot
 * groups they select. Checked over the always-on rules and every preset's.
 */
function namesResolve(
  c: {
    osc: { targets: { name: string }[] };
    dmx: { fixtures: { name: string }[] };
    mapping: {
      rules: MappingRule[];
      presets: Record<string, { rules: MappingRule[] }>;
      groups: Record<string, string>;
    };
  },
  ctx: z.RefinementCtx,
): void {
  const targets = new Set(c.osc.targets.map((t) => t.name));
  const fixtures = new Set(c.dmx.fixtures.map((f) => f.name));
  const lists: [(string | number)[], MappingRule[]][] = [
    [['mapping', 'rules'], c.mapping.rules],
    ...Object.entries(c.mapping.presets).map(
      ([name, p]) => [['mapping', 'presets', name, 'rules'], p.rules] as [(string | number)[], MappingRule[]],
    ),
  ];
  for (const [path, rules] of lists)
    rules.forEach((r, i) => {
      const at = (...rest: (string | number)[]) => [...path, i, ...rest];
      if (r.target.kind === 'osc')
        for (const t of r.target.targets ?? [])
          if (!targets.has(t))
            ctx.addIssue({ code: 'custom', path: at('target', 'targets'), message: `no osc target named "${t}"` });
      if (r.target.kind === 'fixture' && !fixtures.has(r.target.fixture))
        ctx.addIssue({
          code: 'custom',
          path: at('target', 'fixture'),
          message: `no fixture named "${r.target.fixture}" in dmx.fixtures`,
        });
      const sel = r.source.kind === 'dancer' || r.source.kind === 'pattern' ? r.source.dancers : 'all';
      if (/^[a-z]/i.test(sel) && sel !== 'all' && !(sel in c.mapping.groups))
        ctx.addIssue({
          code: 'custom',
          path: at('source', 'dancers'),
          message: `no slot group "${sel}" in mapping.groups`,
        });
    });
}

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export { oscTargetSchema, bleAdapterSchema, hapticControllerSchema };
export type OscTarget = z.infer<typeof oscTargetSchema>;
export type HapticControllerConfig = z.infer<typeof hapticControllerSchema>;
export type BleAdapterConfig = z.infer<typeof bleAdapterSchema>;
export type ReplaySource = z.infer<typeof replaySourceSchema>;

export { logLevels, type LogLevel };
