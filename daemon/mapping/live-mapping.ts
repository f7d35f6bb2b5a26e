/**
 * The rules the box is running now: the base rules (from config, or as last edited live) plus
 * the rules of the active sound and visualization presets. Live edits and preset switches
 * come from the API, OSC in and MQTT; they are kept in the store so a restart keeps
 * them, unless the config file's mapping has changed since, in which case the file wins.
 */
import { getMeta, setMeta } from '../store/repositories/box-meta.js';
import { storedPreset, storedPresets, type PresetRow } from '../store/repositories/presets.js';
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { mappingRuleSchema, mappingRulesSchema, type MappingRule, type Preset } from '../../config/mapping.js';
import type { Config } from '../../config/index.js';

export type PresetKind = 'sound' | 'visualization';
export interface ActivePresets {
  sound: string | null;
  visualization: string | null;
}

export class MappingError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

const META_KEY = 'mapping_live';

interface Saved {
  configHash: string;
  rules: unknown;
  active: ActivePresets;
}

export interface PresetSummary {
  name: string;
  kind: PresetKind;
  origin: 'config' | 'stored';
  rules: number | null;
  problem: string | null;
}

export class LiveMapping {
  private base: MappingRule[];
  private active: ActivePresets;
  private presetRules: Record<PresetKind, MappingRule[]> = { sound: [], visualization: [] };
  private readonly configHash: string;
  /** Why the saved state was not used at start, for the log. */
  readonly restoredFrom: 'config' | 'store';

  constructor(
    private readonly config: Config['mapping'],
    private readonly sqlite: BetterSqlite3.Database,
    private readonly apply: (rules: MappingRule[], active: ActivePresets) => void,
  ) {
    this.configHash = createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
    const saved = this.load();
    const rules = saved && saved.configHash === this.configHash ? mappingRulesSchema.safeParse(saved.rules) : undefined;
    this.restoredFrom = rules?.success ? 'store' : 'config';
    this.base = rules?.success ? rules.data : config.rules;
    this.active = rules?.success
      ? saved!.active
      : { sound: config.active.sound ?? null, visualization: config.active.visualization ?? null };
    for (const kind of ['sound', 'visualization'] as const) {
      try {
        this.presetRules[kind] = this.active[kind] ? this.resolve(kind, this.active[kind]) : [];
      } catch {
        // A preset deleted while inactive in the store: start without it rather than not at all.
        this.active[kind] = null;
      }
    }
    this.publish(false);
  }

  rules(): MappingRule[] {
    return this.base;
  }

  activePresets(): ActivePresets {
    return { ...this.active };
  }

  /** Base rules and active presets' rules; a preset's rule ids are prefixed with its kind and name. */
  effective(): MappingRule[] {
    const fromPresets = (['sound', 'visualization'] as const).flatMap((k) =>
      this.presetRules[k].map((r) => ({ ...r, id: `${k}.${this.active[k]}.${r.id}` })),
    );
    return [...this.base, ...fromPresets];
  }

  replaceRules(input: unknown): MappingRule[] {
    this.base = parseOrThrow(mappingRulesSchema, input);
    this.publish();
    return this.base;
  }

  /** Adds the rule, or replaces the one with its id. */
  putRule(input: unknown): MappingRule {
    const rule = parseOrThrow(mappingRuleSchema, input);
    const i = this.base.findIndex((r) => r.id === rule.id);
    this.base = i < 0 ? [...this.base, rule] : this.base.map((r, j) => (j === i ? rule : r));
    this.publish();
    return rule;
  }

  deleteRule(id: string): void {
    if (!this.base.some((r) => r.id === id)) throw new MappingError('not_found', `no mapping rule "${id}"`);
    this.base = this.base.filter((r) => r.id !== id);
    this.publish();
  }

  /** One parameter of a rule (OSC in: /codance/mapping/{id}/{param}); validated like a whole rule. */
  setParam(id: string, param: string, value: number | boolean): MappingRule {
    const rule = this.base.find((r) => r.id === id);
    if (!rule) throw new MappingError('not_found', `no mapping rule "${id}"`);
    const next = structuredClone(rule) as MappingRule & { scale: MappingRule['scale'] };
    const num = typeof value === 'number' ? value : value ? 1 : 0;
    switch (param) {
      case 'enabled':
        next.enabled = typeof value === 'boolean' ? value : value !== 0;
        break;
      case 'smoothing_ms':
        next.scale.smoothingMs = num;
        break;
      case 'min_interval_ms':
        next.scale.minIntervalMs = Math.round(num);
        break;
      case 'out_min':
      case 'out_max': {
        const out = next.scale.out ?? [0, 1];
        next.scale.out = param === 'out_min' ? [num, out[1]] : [out[0], num];
        next.scale.in ??= [0, 1];
        break;
      }
      case 'threshold_on':
      case 'threshold_off': {
        const t = next.scale.threshold ?? { on: num, off: num };
        next.scale.threshold = param === 'threshold_on' ? { ...t, on: num } : { ...t, off: num };
        break;
      }
      default:
        throw new MappingError(
          'invalid',
          `unknown mapping parameter "${param}" (enabled, smoothing_ms, min_interval_ms, out_min, out_max, threshold_on, threshold_off)`,
        );
    }
    return this.putRule(next);
  }

  /** Back to the config file's rules and presets. */
  reset(): void {
    this.base = this.config.rules;
    this.active = { sound: this.config.active.sound ?? null, visualization: this.config.active.visualization ?? null };
    for (const kind of ['sound', 'visualization'] as const)
      this.presetRules[kind] = this.active[kind] ? this.resolve(kind, this.active[kind]) : [];
    this.publish();
  }

  /** Switches the active preset of one kind (null: none). Throws when it does not exist or its rules are invalid. */
  activate(kind: PresetKind, name: string | null): ActivePresets {
    this.presetRules[kind] = name === null ? [] : this.resolve(kind, name);
    this.active[kind] = name;
    this.publish();
    return this.activePresets();
  }

  /** Config presets and stored presets (those whose parameters carry rules), with any problem in words. */
  presets(): PresetSummary[] {
    const out: PresetSummary[] = Object.entries(this.config.presets).map(([name, p]) => ({
      name,
      kind: p.kind,
      origin: 'config' as const,
      rules: p.rules.length,
      problem: null,
    }));
    for (const kind of ['sound', 'visualization'] as const) {
      for (const row of storedPresets(this.sqlite, kind)) {
        if (this.config.presets[row.name]?.kind === kind) continue;
        const parsed = parseStored(row);
        if (parsed === undefined) continue;
        out.push({
          name: row.name,
          kind,
          origin: 'stored',
          rules: parsed.ok ? parsed.rules.length : null,
          problem: parsed.ok ? null : parsed.problem,
        });
      }
    }
    return out;
  }

  private resolve(kind: PresetKind, name: string): MappingRule[] {
    const fromConfig: Preset | undefined = this.config.presets[name];
    if (fromConfig?.kind === kind) return fromConfig.rules;
    const row = storedPreset(this.sqlite, kind, name);
    if (!row)
      throw new MappingError(
        'not_found',
        `no ${kind} preset named "${name}" (config mapping.presets, or POST /api/v1/${kind}/presets)`,
      );
    const parsed = parseStored(row);
    if (!parsed)
      throw new MappingError('invalid', `${kind} preset "${name}" has no parameters.rules, so it maps nothing`);
    if (!parsed.ok) throw new MappingError('invalid', `${kind} preset "${name}": ${parsed.problem}`);
    return parsed.rules;
  }

  private publish(save = true): void {
    this.apply(this.effective(), this.activePresets());
    if (!save) return;
    const saved: Saved = { configHash: this.configHash, rules: this.base, active: this.active };
    setMeta(this.sqlite, META_KEY, JSON.stringify(saved));
  }

  private load(): Saved | undefined {
    const value = getMeta(this.sqlite, META_KEY);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value) as Saved;
    } catch {
      return undefined;
    }
  }
}

/** A stored preset's rules live in its `parameters.rules`. */
function parseStored(row: PresetRow): { ok: true; rules: MappingRule[] } | { ok: false; problem: string } | undefined {
  let params: unknown;
  try {
    params = JSON.parse(row.parameters);
  } catch {
    return { ok: false, problem: 'parameters are not JSON' };
  }
  const rules = (params as { rules?: unknown } | null)?.rules;
  if (rules === undefined) return undefined;
  const parsed = mappingRulesSchema.safeParse(rules);
  if (parsed.success) return { ok: true, rules: parsed.data };
  const i = parsed.error.issues[0]!;
  return { ok: false, problem: `parameters.rules.${i.path.join('.')}: ${i.message}` };
}

function parseOrThrow<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  input: unknown,
): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new MappingError(
    'invalid',
    r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join('.') || '(rule)'}: ${i.message}`)
      .join('; '),
  );
}
