/**
 * Slot selectors: which dancers a rule or a fixture takes, by slot number. `all`, ranges and
 * lists (`1-8,12`), or the name of a group defined in `mapping.groups`. Parsed once; the
 * result answers "is slot N in?" and, when bounded, lists its slots.
 */
import { z } from 'zod';

const RANGES = /^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$/;
const GROUP = /^[a-z][a-z0-9_-]{0,62}$/i;

export const slotSelector = z
  .string()
  .max(200)
  .refine((s) => s === 'all' || GROUP.test(s) || (RANGES.test(s) && rangesValid(s)), {
    message: 'must be "all", slot numbers and ranges such as "1-8,12" (from 1, low before high), or a group name',
  });

/** A range list: slots from 1, each range low-high. */
export const slotRanges = z
  .string()
  .max(200)
  .refine((s) => RANGES.test(s) && rangesValid(s), {
    message: 'must be slot numbers and ranges such as "1-8,12" (from 1, low before high)',
  });

function rangesValid(s: string): boolean {
  return s.split(',').every((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return a >= 1 && (b === undefined || b >= a);
  });
}

export interface SlotSet {
  has(slot: number): boolean;
  /** Every slot, ascending; undefined for `all`. */
  list(): number[] | undefined;
}

const ALL: SlotSet = { has: (slot) => slot >= 1, list: () => undefined };
const NONE: SlotSet = { has: () => false, list: () => [] };

/** A selector as a set; a group missing from `groups` selects no one (config check names it). */
export function slotSet(selector: string, groups: Readonly<Record<string, string>> = {}, depth = 0): SlotSet {
  if (selector === 'all') return ALL;
  if (!RANGES.test(selector)) {
    const group = groups[selector];
    return group === undefined || depth > 4 ? NONE : slotSet(group, groups, depth + 1);
  }
  const ranges = selector.split(',').map((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return [a, b ?? a] as const;
  });
  return {
    has: (slot) => ranges.some(([a, b]) => slot >= a && slot <= b),
    list: () => {
      const out = new Set<number>();
      for (const [a, b] of ranges) for (let s = a; s <= b; s++) out.add(s);
      return [...out].sort((x, y) => x - y);
    },
  };
}
