/**
 * Environment overrides: `CODANCE_<PATH>` with `__` between path segments, so
 * `CODANCE_HTTP__PORT=8081` sets `http.port` and `CODANCE_STORE__BATCH_MS=20` sets
 * `store.batchMs`. Values are read as YAML scalars/flow collections (`8081` is a number,
 * `[{name: a, host: h, port: 1}]` a list); numeric segments index arrays.
 */
import { parseDocument } from 'yaml';
import type { ConfigProblem } from './problems.js';

export const ENV_PREFIX = 'CODANCE_';
/** Variables with the prefix that are not configuration paths. */
const NOT_CONFIG = new Set(['CODANCE_CONFIG']);

export interface EnvOverride {
  envName: string;
  path: (string | number)[];
  raw: string;
  value: unknown;
}

function segmentToKey(seg: string): string | number {
  if (/^\d+$/.test(seg)) return Number(seg);
  return seg.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export function readEnvOverrides(env: NodeJS.ProcessEnv): { overrides: EnvOverride[]; problems: ConfigProblem[] } {
  const overrides: EnvOverride[] = [];
  const problems: ConfigProblem[] = [];
  for (const [envName, raw] of Object.entries(env)) {
    if (!envName.startsWith(ENV_PREFIX) || NOT_CONFIG.has(envName) || raw === undefined) continue;
    const segs = envName.slice(ENV_PREFIX.length).split('__');
    if (segs.some((s) => s === '')) {
      problems.push({ path: '', message: `malformed variable name (empty path segment)`, source: `env ${envName}` });
      continue;
    }
    let value: unknown = raw;
    const doc = parseDocument(raw, { logLevel: 'silent' });
    // Not clean YAML: take it as the plain string it is.
    if (doc.errors.length === 0 && doc.warnings.length === 0) {
      try {
        value = doc.toJS({ maxAliasCount: 10 }) as unknown;
      } catch {
        value = raw; // e.g. `*x`, an alias to nothing
      }
    }
    overrides.push({ envName, path: segs.map(segmentToKey), raw, value: value ?? raw });
  }
  // Deterministic order: parents before children, so CODANCE_OSC__TARGETS then ..__TARGETS__0__PORT.
  overrides.sort((a, b) => a.path.length - b.path.length || a.envName.localeCompare(b.envName));
  return { overrides, problems };
}

/** Writes each override into `target` (a plain object from YAML), creating objects on the way. */
export function applyEnvOverrides(target: Record<string, unknown>, overrides: readonly EnvOverride[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const o of overrides) {
    let node: unknown = target;
    let ok = true;
    for (let i = 0; i < o.path.length - 1; i++) {
      const key = o.path[i] as string | number;
      const holder = node as Record<string | number, unknown>;
      let next = holder[key];
      if (next === undefined || next === null) {
        next = typeof o.path[i + 1] === 'number' ? [] : {};
        holder[key] = next;
      }
      if (typeof next !== 'object') {
        problems.push({
          path: o.path.slice(0, i + 1).join('.'),
          message: `is a ${typeof next}, cannot set a key inside it`,
          source: `env ${o.envName}`,
        });
        ok = false;
        break;
      }
      node = next;
    }
    if (ok) (node as Record<string | number, unknown>)[o.path[o.path.length - 1] as string | number] = o.value;
  }
  return problems;
}
