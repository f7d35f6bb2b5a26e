/**
 * Signed OSC commands, for a box whose OSC in listens on the venue network with
 * `osc.in.commandSecret` set. The same HMAC-SHA256 as MQTT commands, over bytes every OSC
 * library can produce:
 *
 *   1. build the command with one extra last argument, `s` = Unix time in milliseconds as text;
 *   2. encode that message (OSC 1.0) and take HMAC-SHA256(secret, bytes) as lowercase hex;
 *   3. send the same message with the hex appended as a further `s` argument.
 *
 * The box strips the two arguments, checks the signature over the re-encoded message, the age
 * against `maxCommandAgeS` (both ways, for clock skew) and refuses a signature it has already
 * taken (a replay). Arguments are limited to the types commands use (f, i, s, T, F), whose
 * encoding is exact, so re-encoding reproduces the signed bytes.
 */
import type { OscArg, OscMessage } from '../../drivers/osc/codec.js';
import { encodeMessage, type OutArg } from '../../drivers/osc/encode.js';
import { SeenCommands, verifySignature } from '../../sync/mqtt/command-auth.js';

export type Verified = { ok: true; message: OscMessage } | { ok: false; reason: string };

function outArg(a: OscArg): OutArg | undefined {
  if (Array.isArray(a)) return undefined;
  switch (a.type) {
    case 'f':
    case 'i':
      return typeof a.value === 'number' ? { type: a.type, value: a.value } : undefined;
    case 's':
      return typeof a.value === 'string' ? { type: 's', value: a.value } : undefined;
    case 'T':
    case 'F':
      return { type: a.type };
    default:
      return undefined;
  }
}

export class SignedCommands {
  private readonly seen: SeenCommands<true>;

  constructor(
    private readonly secret: string,
    private readonly maxAgeMs: number,
  ) {
    this.seen = new SeenCommands(maxAgeMs);
  }

  verify(m: OscMessage, now: number): Verified {
    const n = m.args.length;
    const sig = m.args[n - 1];
    const stamp = m.args[n - 2];
    if (n < 2 || Array.isArray(sig) || Array.isArray(stamp) || sig?.type !== 's' || stamp?.type !== 's') {
      return {
        ok: false,
        reason:
          'unsigned: osc.in.commandSecret is set, so the last two arguments must be the time (s, Unix ms) and the signature (s, hex)',
      };
    }
    const signed = m.args.slice(0, n - 1).map(outArg);
    if (signed.some((a) => a === undefined))
      return { ok: false, reason: 'a signed command takes only f, i, s, T and F arguments' };
    const bytes = encodeMessage({ address: m.address, args: signed as OutArg[] });
    if (!verifySignature(this.secret, bytes, String(sig.value)))
      return {
        ok: false,
        reason: 'the signature is wrong (HMAC-SHA256 of the message with its time argument, osc.in.commandSecret)',
      };
    const at = Number(stamp.value);
    if (!Number.isFinite(at) || Math.abs(now - at) > this.maxAgeMs)
      return { ok: false, reason: `the command's time is more than ${this.maxAgeMs / 1000} s from the box's clock` };
    const id = String(sig.value).toLowerCase();
    if (this.seen.get(id, now)) return { ok: false, reason: 'replayed: this signed command was already taken' };
    this.seen.remember(id, true, now);
    return { ok: true, message: { address: m.address, args: m.args.slice(0, n - 2) } };
  }
}
