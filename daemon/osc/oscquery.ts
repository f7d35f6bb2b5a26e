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
import { IN_ADDRESSES } from './commands.js';

export interface OscQuerySource {
  name: string;
  /** The OSC-in port (UDP), or undefined when OSC in is off. */
  oscPort(): number | undefined;
  rules(): readonly MappingRule[];
  /** Concrete addresses sent so far (dancer addresses appear once a dancer is seen). */
  sent(): ReadonlyMap<string, SentAddress>;
}

interface OscNode {
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
  LISTEN: false,
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

/** What a rule sends spans: its output range, or, unscaled, what the signal registry says its signal spans. */
function rangeOf(r: MappingRule): readonly [number, number] | undefined {
  if (r.target.kind === 'osc' && r.target.type === 'bool') return undefined;
  if (r.scale.out) return r.scale.out;
  if (r.source.kind === 'dancer') return mappedSpec(r.source.signal)?.range;
  return undefined;
}

export function buildTree(source: OscQuerySource): OscNode {
  const root: OscNode = { FULL_PATH: '/', DESCRIPTION: `${source.name}: Codance OSC address space`, CONTENTS: {} };
  for (const a of IN_ADDRESSES) {
    // Placeholder parts ({controller}, {rule}) are not OSC paths: they are listed by example in daemon/room/README.md.
    if (a.path.includes('{')) continue;
    place(root, a.path, {
      TYPE: a.type,
      ACCESS: 2,
      DESCRIPTION: `${a.description}${a.args ? ` (args: ${a.args})` : ''}`,
      ...(a.range ? { RANGE: a.range } : {}),
    });
  }
  for (const r of source.rules()) {
    if (!r.enabled || r.target.kind !== 'osc' || r.target.address.includes('{')) continue;
    const range = rangeOf(r);
    place(root, r.target.address, {
      TYPE: oscType(r.target),
      ACCESS: 1,
      DESCRIPTION: r.description ?? `mapping rule ${r.id}`,
      ...(range && { RANGE: [{ MIN: Math.min(...range), MAX: Math.max(...range) }] }),
    });
  }
  for (const [address, s] of source.sent()) {
    place(root, address, {
      TYPE: s.type,
      ACCESS: 1,
      DESCRIPTION: `mapping rule ${s.rule}`,
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
