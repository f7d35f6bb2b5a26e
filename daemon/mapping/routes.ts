/**
 * Routing: which OSC targets each rule's messages go to. A rule that names its targets goes to
 * those; one that names none goes to every target whose `rules` patterns take its id. Worked
 * out once per rule set, so the hot path reads a list.
 */
import type { MappingRule } from '../../config/mapping.js';
import type { OscTarget } from '../../drivers/osc/osc-target.js';

export interface Route {
  name: string;
  target: OscTarget;
  prefix: string;
  floatRange: readonly [number, number];
}

/** A `rules` pattern as a test: `*` matches any run of characters. */
export function rulePattern(pattern: string): (id: string) => boolean {
  const re = new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`, 'i');
  return (id) => re.test(id);
}

const escape = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

export function routeRules(
  rules: readonly MappingRule[],
  targets: ReadonlyMap<string, OscTarget>,
): Map<string, Route[]> {
  const takes = new Map(
    [...targets].map(([name, t]) => {
      const tests = t.options.rules.map(rulePattern);
      return [name, (id: string) => tests.some((test) => test(id))] as const;
    }),
  );
  const routes = new Map<string, Route[]>();
  for (const r of rules) {
    if (r.target.kind !== 'osc') continue;
    const named = r.target.targets;
    const list: Route[] = [];
    for (const [name, target] of targets) {
      const chosen = named ? named.includes(name) : (takes.get(name)?.(r.id) ?? false);
      if (chosen) list.push({ name, target, prefix: target.options.prefix, floatRange: target.options.floatRange });
    }
    routes.set(r.id, list);
  }
  return routes;
}
