/**
 * The OSC addresses the box listens to, as one table: it drives the dispatcher and is what
 * OSCQuery publishes (ACCESS 2, write-only). Arguments are checked per address; a message
 * with the wrong arguments is rejected with the reason, never half-applied.
 */
import type { OscArg, OscMessage } from '../../drivers/osc/codec.js';
import type { HapticOutput, HapticPattern } from '../../drivers/haptic.js';
import { HAPTIC_PATTERNS } from '../../drivers/haptic.js';
import type { MusicClock } from '../clock/music-clock.js';
import { MappingError, type LiveMapping } from '../mapping/live-mapping.js';

export interface InAddress {
  /** With {placeholders} for path parts. */
  path: string;
  /** OSC type tags accepted (OSCQuery TYPE); optional trailing args in brackets in `args`. */
  type: string;
  args: string;
  description: string;
  range?: { MIN?: number; MAX?: number; VALS?: unknown[] }[];
}

/** The parameters `/codance/mapping/{rule}/{param}` takes, with the range OSCQuery gives each. */
export const MAPPING_PARAMS: { name: string; type: string; description: string; range?: InAddress['range'] }[] = [
  { name: 'enabled', type: 'T', description: 'Turn the rule on (T) or off (F)' },
  { name: 'smoothing_ms', type: 'f', description: 'Smoothing time constant, ms', range: [{ MIN: 0, MAX: 60_000 }] },
  {
    name: 'min_interval_ms',
    type: 'f',
    description: 'At most one output per this many ms',
    range: [{ MIN: 0, MAX: 3_600_000 }],
  },
  { name: 'out_min', type: 'f', description: 'Low end of the output range' },
  { name: 'out_max', type: 'f', description: 'High end of the output range' },
  { name: 'threshold_on', type: 'f', description: 'Trigger level (scaled value)' },
  { name: 'threshold_off', type: 'f', description: 'Re-arm level (scaled value)' },
];

export const IN_ADDRESSES: InAddress[] = [
  {
    path: '/codance/clock/tempo',
    type: 'f',
    args: 'bpm (f or i)',
    description: 'Set the tempo; the beat now in progress keeps its place',
    range: [{ MIN: 20, MAX: 400 }],
  },
  {
    path: '/codance/clock/tap',
    type: '',
    args: '',
    description: 'Tap tempo: the median of recent taps sets the tempo, the tap is a beat',
  },
  {
    path: '/codance/clock/beat',
    type: 'i',
    args: '[count 1..8]',
    description: 'A beat falls now; with a count, that is its place in the 8-count (1 = the phrase starts)',
    range: [{ MIN: 1, MAX: 64 }],
  },
  {
    path: '/codance/clock/start',
    type: '',
    args: '',
    description: 'Transport start: counting restarts at 1 on this beat',
  },
  { path: '/codance/clock/stop', type: '', args: '', description: 'Transport stop: no beats until start or a beat' },
  {
    path: '/codance/clock/release',
    type: '',
    args: '',
    description:
      'Let go of a tempo set over OSC (it holds until released when clock.hold): the clock follows the next live source',
  },
  {
    path: '/codance/preset/sound',
    type: 's',
    args: 'preset name ("" = none)',
    description: 'Switch the active sound preset',
  },
  {
    path: '/codance/preset/visualization',
    type: 's',
    args: 'preset name ("" = none)',
    description: 'Switch the active visualization preset',
  },
  {
    path: '/codance/haptic/{controller}/pulse',
    type: 'ifsi',
    args: '[channel (-1 = all)] [intensity 0..1] [pattern] [duration ms]',
    description: 'Pulse a haptic controller now',
  },
  {
    path: '/codance/mapping/{rule}/{param}',
    type: 'f',
    args: 'value (f, i, T or F)',
    description: `Change one parameter of a mapping rule: ${MAPPING_PARAMS.map((p) => p.name).join(', ')}`,
  },
];

export interface CommandDeps {
  clock: MusicClock;
  mapping: LiveMapping;
  haptics: ReadonlyMap<string, HapticOutput>;
  now(): number;
}

function scalar(arg: OscArg | undefined): number | string | boolean | undefined {
  if (arg === undefined || Array.isArray(arg)) return undefined;
  const v = arg.value;
  switch (arg.type) {
    case 'f':
    case 'd':
    case 'i':
      return typeof v === 'number' ? v : undefined;
    case 'h':
      // osc.js reads int64 as a Long {high, low}
      return typeof v === 'object' && v !== null && 'low' in v ? Number((v as { low: number }).low) : undefined;
    case 's':
    case 'S':
      return typeof v === 'string' ? v : undefined;
    case 'T':
      return true;
    case 'F':
      return false;
    default:
      return undefined;
  }
}

function num(arg: OscArg | undefined, what: string): number {
  const v = scalar(arg);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new CommandError(`${what} must be a number`);
}

class CommandError extends Error {}

/** Applies one message; returns undefined on success, or the reason it was refused. */
export function dispatch(m: OscMessage, d: CommandDeps): string | undefined {
  try {
    run(m, d);
    return undefined;
  } catch (err) {
    if (err instanceof CommandError || err instanceof MappingError) return err.message;
    throw err;
  }
}

function run(m: OscMessage, d: CommandDeps): void {
  const parts = m.address.split('/').slice(1);
  if (parts[0] !== 'codance')
    throw new CommandError('unknown address (the box listens under /codance; see its OSCQuery)');
  const now = d.now();
  const [, group, a, b] = parts;
  if (group === 'clock' && parts.length === 3) {
    switch (a ?? '') {
      case 'tempo': {
        const bpm = num(m.args[0], 'bpm');
        if (!(bpm >= 20 && bpm <= 400)) throw new CommandError('bpm must be 20..400');
        if (!d.clock.setTempo(bpm, 'osc'))
          throw new CommandError('a higher-priority clock source is live (clock.source)');
        return;
      }
      case 'tap':
        if (!d.clock.tap(now, 'osc')) throw new CommandError('a higher-priority clock source is live (clock.source)');
        return;
      case 'beat': {
        const count = m.args.length > 0 ? Math.round(num(m.args[0], 'count')) : undefined;
        if (count !== undefined && !(count >= 1 && count <= 64)) throw new CommandError('count must be 1..64');
        if (!d.clock.beatAt(now, 'osc', count))
          throw new CommandError('a higher-priority clock source is live (clock.source)');
        return;
      }
      case 'release':
        d.clock.release('osc');
        return;
      case 'start':
      case 'stop':
        if (!d.clock.transport(a === 'start' ? 'start' : 'stop', now, 'osc'))
          throw new CommandError('a higher-priority clock source is live (clock.source)');
        return;
      default:
        break;
    }
  }
  if (group === 'preset' && parts.length === 3 && (a === 'sound' || a === 'visualization')) {
    const name = scalar(m.args[0]);
    if (typeof name !== 'string') throw new CommandError('preset name must be a string');
    d.mapping.activate(a, name === '' || name === 'none' ? null : name);
    return;
  }
  if (group === 'haptic' && parts.length === 4 && b === 'pulse' && a) {
    const controller = d.haptics.get(a);
    if (!controller) throw new CommandError(`no haptic controller "${a}"`);
    const channel = m.args.length > 0 ? Math.round(num(m.args[0], 'channel')) : -1;
    if (channel >= controller.channels || channel < -1)
      throw new CommandError(`channel must be -1 (all) or 0..${controller.channels - 1}`);
    const intensity = m.args.length > 1 ? num(m.args[1], 'intensity') : 1;
    if (!(intensity >= 0 && intensity <= 1)) throw new CommandError('intensity must be 0..1');
    const pattern = m.args.length > 2 ? scalar(m.args[2]) : 'tick';
    if (typeof pattern !== 'string' || !(HAPTIC_PATTERNS as readonly string[]).includes(pattern))
      throw new CommandError(`pattern must be one of ${HAPTIC_PATTERNS.join(', ')}`);
    const durationMs = m.args.length > 3 ? Math.round(num(m.args[3], 'duration')) : 120;
    if (!(durationMs >= 10 && durationMs <= 5000)) throw new CommandError('duration must be 10..5000 ms');
    const channels = channel === -1 ? Array.from({ length: controller.channels }, (_, i) => i) : [channel];
    for (const ch of channels)
      void controller.pulse({ channel: ch, pattern: pattern as HapticPattern, intensity, durationMs });
    return;
  }
  if (group === 'mapping' && parts.length === 4 && a && b) {
    const v = scalar(m.args[0]);
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new CommandError('value must be a number, T or F');
    d.mapping.setParam(a, b, v);
    return;
  }
  throw new CommandError("unknown address (see the box's OSCQuery: GET / on osc.query.port)");
}
