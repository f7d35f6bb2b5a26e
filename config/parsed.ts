/**
 * What every pure parser of outside bytes returns. Parsers never throw: a payload that is
 * invalid or truncated comes back as a reason a technician can read, which the driver counts
 * in the device's health.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T = never>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

/** Parses a hex string (spaces, colons and a 0x prefix allowed) into bytes. */
export function parseHex(text: string): Parsed<Uint8Array> {
  const clean = text
    .trim()
    .replace(/^0x/i, '')
    .replace(/[\s:_-]/g, '');
  if (clean.length === 0) return fail('empty hex string');
  if (!/^[0-9a-f]*$/i.test(clean)) return fail('not hexadecimal (only 0-9, a-f, spaces and colons are allowed)');
  if (clean.length % 2 !== 0) return fail(`odd number of hex digits (${clean.length})`);
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return ok(bytes);
}
