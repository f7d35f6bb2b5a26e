/**
 * Mapping rules: source → scaling → target. One schema for the config file, the live-edit
 * API, OSC-in mapping parameters and stored presets, so a rule means the same everywhere.
 */
import { z } from 'zod';
import { FIXTURE_ATTRIBUTES } from './dmx.js';
import { mappedSignals, type MappedSignal } from './signals.js';
import { slotSelector } from './slots.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'must be 1-63 letters, digits, "-" or "_"');

export const CROWD_METRICS = [
  'energy',
  'arousal_mean',
  'arousal_high',
  'beat_synchrony',
  'synchrony',
  'active_dancers',
  'bpm',
] as const;
/**
 * Per-dancer signals: every signal the registry (config/signals.ts) lets rules map, then
 * `movement` (the peak |acc − 1 g| of each accelerometer block, in g) and `arousal` (the model's output).
 */
export type DancerSignal = MappedSignal | 'movement' | 'arousal';
export const DANCER_SIGNALS: [DancerSignal, ...DancerSignal[]] = ['movement', 'arousal', ...mappedSignals];
export const CLOCK_EVENTS = ['beat', 'bar', 'phrase'] as const;

export const ruleSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('crowd'), metric: z.enum(CROWD_METRICS) }),
  z.strictObject({
    kind: z.literal('dancer'),
    signal: z.enum(DANCER_SIGNALS),
    /** Which dancers, by slot: `all`, ranges such as `1-8,12`, or a group of `mapping.groups`. */
    dancers: slotSelector.default('all'),
  }),
  /** A learned movement pattern detected on a dancer; any pattern when `name` is unset. */
  z.strictObject({
    kind: z.literal('pattern'),
    name: z.string().min(1).max(100).optional(),
    dancers: slotSelector.default('all'),
  }),
  /** The music clock; value: beat = count in the 8-count phrase (1..8), bar = bar in the phrase (1..2), phrase = phrases since the clock started (1..). */
  z.strictObject({ kind: z.literal('clock'), on: z.enum(CLOCK_EVENTS) }),
  /** A choreography cue (live choreography playback sends them); any cue when `name` is unset. */
  z.strictObject({ kind: z.literal('cue'), name: z.string().min(1).max(100).optional() }),
]);

const range = z.tuple([z.number(), z.number()]).refine(([a, b]) => a !== b, { message: 'the two ends must differ' });

export const ruleScaleSchema = z
  .strictObject({
    /** Source range; values outside are clamped. Without `in` and `out` the value passes unchanged. */
    in: range.optional(),
    /** Output range (reversed to invert). */
    out: range.optional(),
    /**
     * Per-dancer range that fits: the input range becomes the running `low`..`high` percentiles of
     * the last `windowS` of each dancer's (or the crowd's) values, starting from `in` until enough
     * values are seen, so each dancer spans the whole output whatever their style. Needs `in`.
     */
    adaptive: z
      .strictObject({
        windowS: z.number().int().min(10).max(3600).default(120),
        low: z.number().min(0).max(49).default(5),
        high: z.number().min(51).max(100).default(95),
      })
      .optional(),
    /** linear; exp (slow start, for brightness); log (fast start); s (ease in and out). */
    curve: z.enum(['linear', 'exp', 'log', 's']).default('linear'),
    /** Exponential smoothing time constant; 0 = none. */
    smoothingMs: z.number().min(0).max(60_000).default(0),
    /**
     * Turns a continuous source into a trigger: fires when the scaled value rises to `on`
     * and re-arms only once it has fallen to `off` (hysteresis, so noise cannot chatter).
     */
    threshold: z
      .strictObject({ on: z.number(), off: z.number() })
      .refine((t) => t.off <= t.on, { message: 'off must be at most on', path: ['off'] })
      .optional(),
    /** At most one output per this many ms (per dancer for dancer sources); 0 = no limit. */
    minIntervalMs: z.number().int().min(0).max(3_600_000).default(0),
  })
  .refine((s) => (s.in === undefined) === (s.out === undefined), {
    message: 'give both in and out, or neither',
    path: ['out'],
  })
  .refine((s) => s.adaptive === undefined || s.in !== undefined, {
    message: 'adaptive scaling starts from `in`: give in and out',
    path: ['adaptive'],
  })
  .prefault({});

/** `{slot}` in an address is the dancer's slot number (1..N), `{name}` the pattern or cue name. */
const oscAddress = z
  .string()
  .regex(
    /^\/[^\s#*,?[\]{}]*(\{(slot|name)\}[^\s#*,?[\]{}]*)*$/,
    'must start with "/" and contain no spaces or # * , ? [ ] (placeholders: {slot}, {name})',
  )
  .max(200);

export const ruleTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('osc'),
    /** `osc.targets[].name`s; unset = every target whose `rules` take this rule. */
    targets: z.array(slug).min(1).max(32).optional(),
    address: oscAddress,
    /** f float32, i int32, T/F by threshold (trigger only), dmx: one channel of a 512-byte DMX frame sent as a blob. */
    type: z.enum(['f', 'i', 'bool', 'dmx']).default('f'),
    /** DMX channel 1..512 when type is dmx; the value is scaled to 0..255. */
    channel: z.number().int().min(1).max(512).optional(),
    /** Per dancer (dmx type): slot N writes channel + (N − 1) × slotStride, so "dancer N → channel N" is one rule. */
    slotStride: z.number().int().min(1).max(512).optional(),
  }),
  z.strictObject({
    kind: z.literal('midi'),
    message: z.enum(['cc', 'note']),
    /** 1..16 as desks print it. */
    channel: z.number().int().min(1).max(16).default(1),
    /** Controller number (cc) or note number (note). */
    number: z.number().int().min(0).max(127),
    /** Per dancer: slot N uses channel N (wrapping after 16), or number + N − 1; `none` = one output for all. */
    perSlot: z.enum(['none', 'channel', 'number']).default('none'),
    /** How long a note is held. */
    durationMs: z.number().int().min(1).max(10_000).default(100),
  }),
  z.strictObject({
    kind: z.literal('haptic'),
    controller: slug,
    /** Motor channels (0-based), or every channel of the controller. */
    channels: z.union([z.literal('all'), z.array(z.number().int().min(0).max(255)).min(1).max(256)]).default('all'),
    pattern: z.enum(['constant', 'double', 'ramp_up', 'ramp_down', 'heartbeat', 'tick']).default('tick'),
    durationMs: z.number().int().min(10).max(5000).default(120),
    /** Land on the next beat of the music clock (sent `haptics.leadMs` ahead) rather than now. */
    onBeat: z.boolean().default(false),
  }),
  /** A light of the fixture patch (`dmx.fixtures`): a dancer source drives its own slot's light, others every light. */
  z.strictObject({
    kind: z.literal('fixture'),
    fixture: slug,
    /** One channel, or `colour`: the value 0..1 picks a colour along the fixture's palette. */
    attribute: z.enum(FIXTURE_ATTRIBUTES),
  }),
  /** A sound or visualization event record (the platform's output events), stored and synced. */
  z.strictObject({ kind: z.literal('sound'), type: z.string().min(1).max(50) }),
  z.strictObject({ kind: z.literal('visualization'), type: z.string().min(1).max(50) }),
]);

export const mappingRuleSchema = z
  .strictObject({
    id: slug,
    enabled: z.boolean().default(true),
    description: z.string().max(500).optional(),
    source: ruleSourceSchema,
    scale: ruleScaleSchema,
    target: ruleTargetSchema,
  })
  .superRefine((r, ctx) => {
    const continuous = r.source.kind === 'crowd' || r.source.kind === 'dancer';
    const needsTrigger =
      r.target.kind === 'haptic' ||
      r.target.kind === 'sound' ||
      r.target.kind === 'visualization' ||
      (r.target.kind === 'midi' && r.target.message === 'note');
    if (continuous && !r.scale.threshold && needsTrigger) {
      ctx.addIssue({
        code: 'custom',
        path: ['scale', 'threshold'],
        message: `a ${r.target.kind} target fires on events: give a threshold to a ${r.source.kind} source`,
      });
    }
    if (r.target.kind === 'osc' && r.target.type === 'dmx' && r.target.channel === undefined) {
      ctx.addIssue({ code: 'custom', path: ['target', 'channel'], message: 'a dmx target needs its channel (1..512)' });
    }
    if (r.target.kind === 'osc' && r.target.type === 'dmx' && r.target.targets === undefined) {
      // A 512-byte blob means nothing to a desk: it goes only where it is named (OLA's OSC plugin).
      ctx.addIssue({ code: 'custom', path: ['target', 'targets'], message: 'a dmx rule must name its targets' });
    }
    const perDancer = r.source.kind === 'dancer' || r.source.kind === 'pattern';
    if (r.target.kind === 'osc' && r.target.address.includes('{slot}') && !perDancer) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'address'],
        message: '{slot} is only known for dancer and pattern sources',
      });
    }
    if (r.target.kind === 'midi' && r.target.perSlot !== 'none' && !perDancer) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'perSlot'],
        message: 'per-slot MIDI needs a dancer or pattern source',
      });
    }
  });

export const mappingRulesSchema = z
  .array(mappingRuleSchema)
  .max(500)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
    });
  });

export const presetSchema = z.strictObject({
  kind: z.enum(['sound', 'visualization']),
  description: z.string().max(500).optional(),
  rules: mappingRulesSchema,
});

export type MappingRule = z.infer<typeof mappingRuleSchema>;
export type MappingRuleInput = z.input<typeof mappingRuleSchema>;
export type RuleSource = MappingRule['source'];
export type RuleTarget = MappingRule['target'];
export type Preset = z.infer<typeof presetSchema>;

export { defaultRules } from './default-rules.js';
