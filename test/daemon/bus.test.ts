import { describe, expect, it } from 'vitest';
import { Bus } from '../../daemon/bus.js';

type Events = { tick: [n: number]; other: [s: string] };

describe('bus', () => {
  it('delivers to every subscriber until it unsubscribes', () => {
    const bus = new Bus<Events>(() => undefined);
    const seen: number[] = [];
    const off = bus.on('tick', (n) => seen.push(n));
    bus.on('tick', (n) => seen.push(n * 10));
    bus.emit('tick', 1);
    off();
    bus.emit('tick', 2);
    expect(seen).toEqual([1, 10, 20]);
    expect(bus.listenerCount('tick')).toBe(1);
  });

  it('isolates a throwing handler: others still run, the error is reported', () => {
    const errors: string[] = [];
    const bus = new Bus<Events>((event, err) => errors.push(`${event}: ${(err as Error).message}`));
    const seen: string[] = [];
    bus.on('other', () => {
      throw new Error('boom');
    });
    bus.on('other', (s) => seen.push(s));
    expect(() => bus.emit('other', 'x')).not.toThrow();
    expect(seen).toEqual(['x']);
    expect(errors).toEqual(['other: boom']);
  });

  it('runs `first` handlers at once, and the others of a deferred event after the emitting code, guarded alike', async () => {
    const bus = new Bus<Events>(() => undefined, { defer: ['tick'] });
    const seen: string[] = [];
    bus.on('tick', (n) => seen.push(`store ${n}`));
    bus.on('tick', (n) => seen.push(`lane ${n}`), { first: true });
    bus.on('other', (s) => seen.push(`other ${s}`));
    bus.guard('tick', (n) => n !== 2);
    // A driver's callback: three samples, then its own code goes on.
    for (const n of [1, 2, 3]) bus.emit('tick', n);
    bus.emit('other', 'now');
    seen.push('callback done');
    expect(seen).toEqual(['lane 1', 'lane 3', 'other now', 'callback done']);
    await new Promise((r) => setImmediate(r));
    expect(seen.slice(4)).toEqual(['store 1', 'store 3']);
    expect(bus.listenerCount('tick')).toBe(2);
  });
});
