/**
 * Loads the configuration: embedded defaults, then an optional YAML file, then
 * `CODANCE_*` environment overrides, validated as a whole by the one schema. Every problem
 * is reported (not just the first) with its exact path and where the bad value came from.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument, isMap, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { ConfigError, formatPath, type ConfigProblem } from './problems.js';
import { applyEnvOverrides, readEnvOverrides, type EnvOverride } from './env.js';

export interface LoadOptions {
  /** YAML file; omitted = embedded defaults only. */
  file?: string;
  /** Environment to read `CODANCE_*` overrides from; omitted = none. */
  env?: NodeJS.ProcessEnv;
}

interface ParsedFile {
  data: Record<string, unknown>;
  locate(path: readonly PropertyKey[]): string | undefined;
}

function readYaml(file: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError([{ path: '', message: `cannot read ${file} (${code})` }]);
  }
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  // Warnings (unknown directives, unresolved tags) mean the file does not say what it seems to.
  const trouble = [...doc.errors, ...doc.warnings];
  if (trouble.length > 0) {
    throw new ConfigError(
      trouble.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          path: '',
          message: `YAML syntax: ${e.message.split('\n')[0]}`,
          source: `${basename(file)} line ${pos.line}:${pos.col}`,
        };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    // e.g. an alias bomb past maxAliasCount
    throw new ConfigError([{ path: '', message: `YAML: ${(err as Error).message}`, source: basename(file) }]);
  }
  if (!isMap(doc.contents) && doc.contents !== null) {
    throw new ConfigError([
      { path: '', message: 'expected a mapping of sections (http:, store:, ...)', source: basename(file) },
    ]);
  }
  return {
    data: data as Record<string, unknown>,
    locate(path) {
      // Walk up until a node exists (a missing key is reported at its parent's line).
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return `${basename(file)} line ${lineCounter.linePos(node.range[0]).line}`;
      }
      return undefined;
    },
  };
}

function toProblems(
  error: z.ZodError,
  sourceOf: (path: readonly PropertyKey[]) => string | undefined,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        problems.push({ path: formatPath(path), message: 'unknown key', source: sourceOf(path) });
      }
      continue;
    }
    problems.push({ path: formatPath(issue.path), message: issue.message, source: sourceOf(issue.path) });
  }
  return problems;
}

/** Problems in the order a technician reads the file: by line, then environment ones, by path. */
function inFileOrder(problems: ConfigProblem[]): ConfigProblem[] {
  const line = (p: ConfigProblem) => Number(/ line (\d+)/.exec(p.source ?? '')?.[1] ?? Number.MAX_SAFE_INTEGER);
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => line(a.p) - line(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` laid on `base`: objects merge key by key, anything else (arrays too) replaces. */
function overlay(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? overlay(out[k], v) : structuredClone(v);
  return out;
}

function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Throws `ConfigError` listing every problem; returns the validated configuration. */
export function loadConfig(options: LoadOptions = {}): Config {
  const file = options.file ? readYaml(options.file) : undefined;
  // Overrides land on defaults + file, so CODANCE_OSC__TARGETS__0__PORT edits the default
  // target rather than creating a target with only a port.
  const raw = overlay(configSchema.parse({}), file?.data ?? {}) as Record<string, unknown>;
  const { overrides, problems: envProblems } = options.env
    ? readEnvOverrides(options.env)
    : { overrides: [], problems: [] };
  envProblems.push(...applyEnvOverrides(raw, overrides));
  if (envProblems.length > 0) throw new ConfigError(envProblems);

  const envAt = (path: readonly PropertyKey[]): EnvOverride | undefined =>
    // The longest override that is a prefix of (or equal to) the problem's path.
    overrides.filter((o) => o.path.length <= path.length && samePath(o.path, path.slice(0, o.path.length))).at(-1);
  const sourceOf = (path: readonly PropertyKey[]) => {
    const o = envAt(path);
    return o ? `env ${o.envName}` : file?.locate(path);
  };

  let result = configSchema.safeParse(raw);
  if (!result.success) {
    // An env value like `123456` reads as a number; where the schema wants a string, the
    // technician meant the literal text. Retry those with the raw string, once.
    let retried = false;
    for (const issue of result.error.issues) {
      if (issue.code !== 'invalid_type' || issue.expected !== 'string') continue;
      const o = overrides.find((ov) => samePath(ov.path, issue.path));
      if (o && typeof o.value !== 'string') {
        applyEnvOverrides(raw, [{ ...o, value: o.raw }]);
        retried = true;
      }
    }
    if (retried) result = configSchema.safeParse(raw);
  }
  if (!result.success) throw new ConfigError(inFileOrder(toProblems(result.error, sourceOf)));
  return result.data;
}
