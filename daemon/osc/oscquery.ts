/**
 * OSCQuery (Vidvox's proposal, v1): the box's OSC address space as JSON over HTTP, at the root
 * of its own port as the spec requires, so desks and tools (TouchOSC, Chataigne, Vezér) can
 * browse it. Addresses the box listens to are ACCESS 2 (write); addresses it sends are
 * ACCESS 1 (read) with their last VALUE. `?HOST_INFO` names the OSC port and transport.
 */
import { mappedSpec } from '../../config/signals.js';
import { Hono } from 'hono';
import { peerAddress } from '../http/trusted.js';
import type { AllowList } from '../../drivers/net/allow-list.js';
import type { MappingRule } from '../../config/mapping.js';
import type { SentAddress } from '../mapping/sent-values.js';
import { IN_ADDRESSES, MAPPING_PARAMS } from './commands.js';

export interface OscQuerySource {
  name: string;
  /** The OSC-in port (UDP), or undefined when OSC in is off. */
  oscPort(): number | undefined;
  rules(): readonly MappingRule[];
  /** Concrete addresses sent so far, with their last values. */
  sent(): ReadonlyMap<string, SentAddress>;
  /** Haptic controllers by name (their pulse commands are listed). */
  controllers(): readonly string[];
  /** Dancer slots to list per-dancer nodes for: those held now and those the patch and rules name. */
  slots(): readonly number[];
  /** Names `{name}` takes: learned patterns, and the cues live choreography sends. */
  names(kind: 'pattern' | 'cue'): readonly string[];
  /** Preset names per kind (the preset commands' VALS). */
  presets(kind: 'sound' | 'visualization'): readonly string[];
  clock: { beatsPerBar: number; beatsPerPhrase: number };
  /** Keep {slot}, {name}, {controller}, {rule} and {param} as they are (the generated reference), instead of expanding them. */
  templates?: boolean;
}

export interface OscNode {
  FULL_PATH: string;
  CONTENTS?: Record<string, OscNode>;
  TYPE?: string;
  ACCESS?: 0 | 1 | 2 | 3;
  DESCRIPTION?: string;
  RANGE?: unknown[];
  VALUE?: unknown[];
}

const EXTENSIONS = {
  ACCESS: true,
  VALUE: true,
  RANGE: true,
  DESCRIPTION: true,
  TAGS: false,
  EXTENDED_TYPE: false,
  UNIT: false,
  CRITICAL: false,
  CLIPMODE: false,
  LISTEN: true,
  PATH_CHANGED: false,
};

function place(root: OscNode, path: string, leaf: Omit<OscNode, 'FULL_PATH' | 'CONTENTS'>): void {
  let node = root;
  let full = '';
  for (const part of path.split('/').slice(1)) {
    full += `/${part}`;
    node.CONTENTS ??= {};
    node = node.CONTENTS[part] ??= { FULL_PATH: full };
  }
  Object.assign(node, leaf);
}

const oscType = (t: MappingRule['target']): string =>
  t.kind !== 'osc' ? '' : t.type === 'i' ? 'i' : t.type === 'bool' ? 'T' : t.type === 'dmx' ? 'b' : 'f';

const UNIT = [0, 1] as const;
const CROWD_RANGES: Record<string, readonly [number, number]> = {
  energy: UNIT,
  arousal_mean: UNIT,
  arousal_high: UNIT,
  beat_synchrony: UNIT,
  synchrony: UNIT,
  active_dancers: [0, 1000],
  bpm: [20, 400],
};

/** What a rule sends spans: its output range, or, unscaled, what its source spans. */
function rangeOf(r: MappingRule, source: OscQuerySource): unknown[] | undefined {
  if (r.target.kind !== 'osc' || r.target.type === 'dmx') return undefined;
  if (r.target.type === 'bool') return [{ VALS: [true, false] }];
  const span = (() => {
    if (r.scale.out) return r.scale.out;
    switch (r.source.kind) {
      case 'dancer':
        return r.source.signal === 'movement' || r.source.signal === 'arousal'
          ? r.source.signal === 'arousal'
            ? UNIT
            : ([0, 16] as const)
          : (mappedSpec(r.source.signal)?.range ?? UNIT);
      case 'crowd':
        return CROWD_RANGES[r.source.metric] ?? UNIT;
      case 'clock': {
        const { beatsPerBar, beatsPerPhrase } = source.clock;
        if (r.source.on === 'beat') return [1, beatsPerPhrase] as const;
        if (r.source.on === 'bar') return [1, Math.max(1, Math.floor(beatsPerPhrase / beatsPerBar))] as const;
        return [1, 10_000] as const;
      }
      case 'pattern':
      case 'cue':
        return UNIT;
    }
  })();
  const [lo, hi] = [Math.min(...span), Math.max(...span)];
  return [r.target.type === 'i' ? { MIN: Math.round(lo), MAX: Math.round(hi) } : { MIN: lo, MAX: hi }];
}

/** A rule's template expanded over the slots and names it can take. */
function expand(r: MappingRule, address: string, source: OscQuerySource): string[] {
  if (source.templates) return [address];
  let out = [address];
  if (address.includes('{slot}'))
    out = out.flatMap((a) => source.slots().map((slot) => a.replaceAll('{slot}', String(slot))));
  if (address.includes('{name}')) {
    const fixed = r.source.kind === 'pattern' || r.source.kind === 'cue' ? r.source.name : undefined;
    const names =
      fixed !== undefined ? [fixed] : r.source.kind === 'cue' ? source.names('cue') : source.names('pattern');
    out = out.flatMap((a) => names.map((n) => a.replaceAll('{name}', n.replace(/[\s#*,/?[\]{}]/g, '_'))));
  }
  return out;
}

export function buildTree(source: OscQuerySource): OscNode {
  const root: OscNode = { FULL_PATH: '/', DESCRIPTION: `${source.name}: Codance OSC address space`, CONTENTS: {} };
  const rules = source.rules();
  for (const a of IN_ADDRESSES) {
    const leaf = (path: string, extra: Partial<OscNode> = {}) =>
      place(root, path, {
        TYPE: a.type,
        ACCESS: 2,
        DESCRIPTION: `${a.description}${a.args ? ` (args: ${a.args})` : ''}`,
        ...(a.range ? { RANGE: a.range } : {}),
        ...extra,
      });
    if (source.templates && a.path.includes('{')) leaf(a.path);
    else if (a.path.includes('{controller}')) {
      for (const c of source.controllers()) leaf(a.path.replace('{controller}', c));
    } else if (a.path.includes('{rule}')) {
      for (const r of rules)
        for (const p of MAPPING_PARAMS)
          place(root, a.path.replace('{rule}', r.id).replace('{param}', p.name), {
            TYPE: p.type,
            ACCESS: 2,
            DESCRIPTION: `${p.description} of rule ${r.id}`,
            ...(p.range ? { RANGE: p.range } : {}),
          });
    } else if (a.path.startsWith('/codance/preset/')) {
      const kind = a.path.endsWith('sound') ? 'sound' : 'visualization';
      leaf(a.path, { RANGE: [{ VALS: ['', ...source.presets(kind)] }] });
    } else leaf(a.path);
  }
  for (const r of rules) {
    if (!r.enabled || r.target.kind !== 'osc') continue;
    const range = rangeOf(r, source);
    for (const address of expand(r, r.target.address, source))
      place(root, address, {
        TYPE: oscType(r.target),
        ACCESS: 1,
        DESCRIPTION: r.description ?? `mapping rule ${r.id}`,
        ...(range && { RANGE: range }),
      });
  }
  // Several rules may write one address (four DMX channels of one universe): describe it by all of them.
  const writers = new Map<string, string[]>();
  for (const r of rules)
    if (r.enabled && r.target.kind === 'osc' && !r.target.address.includes('{'))
      writers.set(r.target.address, [...(writers.get(r.target.address) ?? []), r.id]);
  for (const [address, ids] of writers)
    if (ids.length > 1) place(root, address, { DESCRIPTION: `written by rules ${ids.join(', ')}` });
  for (const [address, s] of source.sent()) {
    const known = find(root, address);
    place(root, address, {
      TYPE: s.type,
      ACCESS: 1,
      ...(known?.DESCRIPTION ? {} : { DESCRIPTION: `mapping rule ${s.rule}` }),
      ...(s.value !== null ? { VALUE: [s.value] } : {}),
    });
  }
  return root;
}

function find(root: OscNode, path: string): OscNode | undefined {
  if (path === '/' || path === '') return root;
  let node: OscNode | undefined = root;
  for (const part of path.split('/').slice(1)) {
    if (part === '') continue;
    node = node?.CONTENTS?.[part];
    if (!node) return undefined;
  }
  return node;
}

export function oscQueryApp(source: OscQuerySource, allow: AllowList): Hono {
  const app = new Hono();
  // The same readers as OSC in's senders: loopback and `osc.in.allow`.
  app.use(async (c, next) => {
    const address = peerAddress(c);
    if (!allow(address)) return c.json({ error: `${address} is not in osc.in.allow` }, 403);
    await next();
  });
  app.get('*', (c) => {
    const url = new URL(c.req.url);
    const attribute = url.search.slice(1);
    if (attribute === 'HOST_INFO') {
      const port = source.oscPort();
      return c.json({
        NAME: source.name,
        EXTENSIONS,
        ...(port !== undefined ? { OSC_PORT: port, OSC_TRANSPORT: 'UDP' } : {}),
      });
    }
    const node = find(buildTree(source), decodeURIComponent(url.pathname));
    if (!node) return c.json({ error: `no OSC node at ${url.pathname}` }, 404);
    if (attribute) {
      const value = (node as unknown as Record<string, unknown>)[attribute];
      // The spec: 204 when the node has no such attribute.
      return value === undefined ? c.body(null, 204) : c.json({ [attribute]: value });
    }
    return c.json(node);
  });
  return app;
}
