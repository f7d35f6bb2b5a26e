/** Signed OSC commands: the recipe in daemon/osc/signed-command.ts, checked from the sender's side. */
import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import osc from 'osc';
import { decodeOscPacket, type OscMessage } from '../../../drivers/osc/codec.js';
import { SignedCommands } from '../../../daemon/osc/signed-command.js';

const SECRET = 'a-venue-secret-of-length';
const writer = osc as { writePacket(p: unknown, o: { metadata: true }): Uint8Array };
const write = (m: { address: string; args: unknown[] }): Uint8Array => writer.writePacket(m, { metadata: true });

/** What a desk's script does: add the time, sign the encoded message, append the signature. */
function signedDatagram(
  address: string,
  args: { type: string; value?: unknown }[],
  atMs: number,
  secret = SECRET,
): OscMessage {
  const withTime = [...args, { type: 's', value: String(atMs) }];
  const sig = createHmac('sha256', secret)
    .update(write({ address, args: withTime }))
    .digest('hex');
  const parsed = decodeOscPacket(write({ address, args: [...withTime, { type: 's', value: sig }] }));
  if (!parsed.ok || !('address' in parsed.value)) throw new Error('bad test datagram');
  return parsed.value;
}

const reasonOf = (v: ReturnType<SignedCommands['verify']>): string => (v.ok ? 'taken' : v.reason);

describe('signed OSC commands', () => {
  const now = 1_780_000_000_000;

  it('takes a correctly signed command once, stripped of its time and signature', () => {
    const v = new SignedCommands(SECRET, 30_000);
    const m = signedDatagram(
      '/codance/haptic/floor/pulse',
      [
        { type: 'i', value: 2 },
        { type: 'f', value: 0.3 },
        { type: 's', value: 'tick' },
      ],
      now - 1000,
    );
    expect(v.verify(m, now)).toEqual({
      ok: true,
      message: { address: '/codance/haptic/floor/pulse', args: m.args.slice(0, 3) },
    });
    expect(v.verify(m, now)).toEqual({ ok: false, reason: 'replayed: this signed command was already taken' });
  });

  it('refuses unsigned, wrongly signed, stale and future commands, saying why', () => {
    const v = new SignedCommands(SECRET, 30_000);
    expect(reasonOf(v.verify({ address: '/codance/clock/tempo', args: [{ type: 'f', value: 120 }] }, now))).toMatch(
      /^unsigned/,
    );
    expect(
      reasonOf(
        v.verify(
          signedDatagram('/codance/clock/tempo', [{ type: 'f', value: 120 }], now, 'another-secret-entirely'),
          now,
        ),
      ),
    ).toMatch(/signature is wrong/);
    expect(
      reasonOf(v.verify(signedDatagram('/codance/clock/tempo', [{ type: 'f', value: 120 }], now - 31_000), now)),
    ).toMatch(/more than 30 s/);
    expect(
      reasonOf(v.verify(signedDatagram('/codance/clock/tempo', [{ type: 'f', value: 120 }], now + 31_000), now)),
    ).toMatch(/more than 30 s/);
    // A changed argument breaks the signature.
    const m = signedDatagram('/codance/clock/tempo', [{ type: 'f', value: 120 }], now);
    const tampered = { ...m, args: [{ type: 'f', value: 197 }, ...m.args.slice(1)] };
    expect(reasonOf(v.verify(tampered, now))).toMatch(/signature is wrong/);
  });
});
