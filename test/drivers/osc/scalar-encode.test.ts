/**
 * The targets' fast path for one-number messages (a head made once per address, four bytes
 * written per value) must put exactly the bytes the osc package does on the wire.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeadCache, encodeMessage, encodeScalar, messageHead, type OutArg } from '../../../drivers/osc/encode.js';

const address = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/), { minLength: 1, maxLength: 5 })
  .map((parts) => `/${parts.join('/')}`);

describe('encodeScalar', () => {
  it('makes the same bytes as encodeMessage for f, i, T and F', () => {
    fc.assert(
      fc.property(address, fc.float({ noNaN: true }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (a, f, i) => {
        expect(encodeScalar(messageHead(a, 'f'), 'f', f)).toEqual(
          encodeMessage({ address: a, args: [{ type: 'f', value: f }] }),
        );
        expect(encodeScalar(messageHead(a, 'i'), 'i', i)).toEqual(
          encodeMessage({ address: a, args: [{ type: 'i', value: i }] }),
        );
        for (const t of ['T', 'F'] as const)
          expect(encodeScalar(messageHead(a, t), t, 0)).toEqual(encodeMessage({ address: a, args: [{ type: t }] }));
      }),
      { numRuns: 500 },
    );
  });
});

const arg: fc.Arbitrary<OutArg> = fc.oneof(
  fc.record({ type: fc.constantFrom('f' as const), value: fc.float({ noNaN: true }) }),
  fc.record({ type: fc.constantFrom('i' as const), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ type: fc.constantFrom('T' as const, 'F' as const) }),
  fc.record({ type: fc.constantFrom('s' as const), value: fc.string({ maxLength: 8 }) }),
);

describe('HeadCache', () => {
  it('encodes any message as encodeMessage does, an address reused with another type included', () => {
    // A small cache, so clearing it when full is exercised too.
    const cache = new HeadCache(4);
    const addresses = fc.sample(address, 6);
    fc.assert(
      fc.property(fc.constantFrom(...addresses), fc.array(arg, { maxLength: 3 }), (a, args) => {
        expect(cache.encode(a, args)).toEqual(encodeMessage({ address: a, args }));
      }),
      { numRuns: 1000 },
    );
  });
});
