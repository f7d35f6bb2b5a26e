/** Small schemas every section of the configuration shares. */
import { isIP } from 'node:net';
import { z } from 'zod';

export const port = z.number().int().min(1).max(65535);
export const hostname = z.string().min(1).max(253);
/** An IPv4/IPv6 address, or a network in CIDR form (`10.0.0.0/24`). */
export const cidr = z.string().refine(
  (v) => {
    const [addr, bits, ...rest] = v.split('/');
    const family = isIP(addr ?? '');
    if (family === 0 || rest.length > 0) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
  },
  { message: 'must be an IP address or a CIDR network such as 10.0.0.0/24' },
);
/** A name that is safe in OSC addresses, MQTT topics and file names. */
export const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'must be 1-63 letters, digits, "-" or "_"');

export const backoff = (initialMs: number, maxMs: number) =>
  z
    .strictObject({
      initialMs: z.number().int().min(10).max(60_000).default(initialMs).describe('First wait after a loss.'),
      maxMs: z.number().int().min(10).max(600_000).default(maxMs).describe('The wait never grows past this.'),
      factor: z.number().min(1).max(10).default(2).describe('Each failed attempt multiplies the wait by this.'),
    })
    .refine((b) => b.maxMs >= b.initialMs, { message: 'maxMs must be at least initialMs', path: ['maxMs'] })
    .prefault({});

/** How often a missing port or input is tried again. */
export const retryMs = (what: string) =>
  z.number().int().min(200).max(600_000).default(5000).describe(`While ${what} is missing, try again this often.`);

/** A list refinement: each entry's `name` is unique, else the duplicate is named at its place. */
export const uniqueNames =
  (noun: string) =>
  (list: readonly { name: string }[], ctx: z.RefinementCtx): void => {
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      if (seen.has(entry.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate ${noun} name "${entry.name}"` });
      seen.add(entry.name);
    });
  };
