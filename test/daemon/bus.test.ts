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
});
