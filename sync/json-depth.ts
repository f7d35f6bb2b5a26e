/**
 * How deeply a JSON text nests, found by one scan of its characters without parsing it. Both
 * the box's API and the cloud refuse bodies nested deeper than MAX_JSON_DEPTH before they are
 * parsed: a body of 5 000 nested arrays parses, but turning it back into text (logging, storing)
 * overflows the stack. No request the box or cloud takes needs more than a dozen levels.
 */
export const MAX_JSON_DEPTH = 64;

/** True if `text` nests arrays and objects deeper than `max` (strings, with their escapes, are skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
