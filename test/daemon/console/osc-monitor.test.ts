/** The console's server-side pieces: the OSC monitor, the movement figure, reconnect counting, and CSV cells. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OscMonitor } from '../../../daemon/console/osc-monitor.js';
import { SentValues } from '../../../daemon/mapping/sent-values.js';
import { TargetLatency } from '../../../daemon/room/target-latency.js';

type Counters = { messages: number; packets: number; dropped: number };
import { movementOf } from '../../../models/features/block-movement.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { csvCell } from '../../../sync/cloud/session-csv.js';
import { takeSseEvents } from '../../../sync/web/kit/sse.js';

/** One RFC 4180 field back to its text. */
function parseCell(cell: string): string {
  if (!cell.startsWith('"')) return cell;
  expect(cell.endsWith('"')).toBe(true);
  const inner = cell.slice(1, -1);
  expect(inner.replaceAll('""', '')).not.toContain('"');
  return inner.replaceAll('""', '"');
}

describe('OSC monitor', () => {
  const monitorOf = (sent: SentValues, latency: TargetLatency, counters: () => Counters, now: () => number) =>
    new OscMonitor(
      [{ name: 'desk', host: '127.0.0.1', port: 9000, transport: 'udp', counters }],
      { sent: () => sent.rules(), latency: (t) => latency.sorted(t) },
      now,
    );

  it('keeps one row per rule with its last address, counts distinct addresses, and measures rate and latency', () => {
    let now = 1000;
    const counters = { messages: 0, packets: 0, dropped: 0 };
    const sent = new SentValues(() => now);
    const latency = new TargetLatency();
    const m = monitorOf(
      sent,
      latency,
      () => counters,
      () => now,
    );
    m.sample();
    for (let i = 0; i < 30; i++) {
      now += 100;
      sent.record('dancer-hr', ['desk'], `/codance/dancer/${i % 3}/hr`, 'f', 100 + i, false, `band-${i % 3}`);
      if (i % 10 === 0) sent.record('crowd-energy', ['desk'], '/codance/crowd/energy', 'f', 0.5, false, undefined);
      counters.messages += 2;
      latency.record('desk', i / 10);
    }
    sent.record('x', ['elsewhere'], '/x', 'T', true, true, undefined); // another target's rule is not shown
    m.sample();
    const [desk] = m.snapshot();
    expect(desk!.last.map((r) => [r.rule, r.address, r.value, r.count, r.addresses])).toEqual([
      ['dancer-hr', '/codance/dancer/2/hr', 129, 30, 3],
      ['crowd-energy', '/codance/crowd/energy', 0.5, 3, 1],
    ]);
    expect(desk!.messagesPerS).toBe(20); // 60 messages in 3 s
    expect(desk!.latencyMs).toEqual({ n: 30, p50: 1.4, p95: 2.8, p99: 2.9, max: 2.9 });
    // OSCQuery reads the same record: each concrete address once, with its last value.
    expect(sent.addresses().get('/codance/dancer/2/hr')).toEqual({
      type: 'f',
      value: 129,
      rule: 'dancer-hr',
      device: 'band-2',
    });
    // A dancer who withdraws consent leaves nothing behind.
    expect(sent.forget('band-2')).toEqual(['/codance/dancer/2/hr']);
    expect(sent.rules().map((r) => r.rule)).toEqual(['x', 'crowd-energy']);
  });

  it('forgets the least recently sent rule past 256 and keeps its latency ring bounded', () => {
    let now = 0;
    const sent = new SentValues(() => now++);
    const latency = new TargetLatency();
    const m = monitorOf(
      sent,
      latency,
      () => ({ messages: 0, packets: 0, dropped: 0 }),
      () => now,
    );
    for (let i = 0; i < 300; i++) sent.record(`rule-${i}`, ['desk'], `/r/${i}`, 'T', i, true, undefined);
    for (let i = 0; i < 5000; i++) latency.record('desk', i);
    const [desk] = m.snapshot();
    expect(desk!.last).toHaveLength(256);
    expect(desk!.last[0]!.rule).toBe('rule-299');
    expect(desk!.last.at(-1)!.rule).toBe('rule-44');
    expect(desk!.latencyMs.n).toBe(2048);
    expect(desk!.latencyMs.max).toBe(4999);
  });
});

describe('movement figure', () => {
  it('is the RMS of |a| − 1 g: zero at rest, the swing when moving, nothing for other shapes', () => {
    expect(movementOf(new Float32Array([0, 0, 1, 0, 1, 0, 1, 0, 0]), 3)).toBeCloseTo(0, 6);
    expect(movementOf(new Float32Array([0, 0, 1.5, 0, 0, 0.5]), 3)).toBeCloseTo(0.5, 6);
    expect(movementOf(new Float32Array([1, 2]), 2)).toBeUndefined();
    expect(movementOf(new Float32Array([]), 3)).toBeUndefined();
  });
});

describe('reconnects', () => {
  it('counts returns to connected after the first connection, not the first one', () => {
    const h = new HealthRegistry(() => 0);
    h.report('band', { state: 'starting' });
    h.report('band', { state: 'connected' });
    h.report('band', { lastSampleAt: 5 });
    expect(h.get('band')!.reconnects).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      h.report('band', { state: 'retrying' });
      h.report('band', { state: 'connected' });
    }
    expect(h.get('band')!.reconnects).toBe(3);
  });
});

describe('CSV cells', () => {
  it('round-trip any text, and never hand a spreadsheet a formula', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const cell = csvCell(text);
        const back = parseCell(cell);
        expect(back === text || back === `'${text}`).toBe(true);
        expect(/^[=+\-@\t\r]/.test(back)).toBe(false);
        // a cell never breaks the row: separators and line ends only inside quotes
        if (!cell.startsWith('"')) expect(cell).not.toMatch(/[",\r\n]/);
      }),
      { numRuns: 500 },
    );
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell({ a: [1, 'x'] })).toBe('"{""a"":[1,""x""]}"');
  });
});

describe('SSE framing', () => {
  const encode = (e: { event: string; data: string }) =>
    `event: ${e.event}\n${e.data
      .split('\n')
      .map((l) => `data: ${l}`)
      .join('\n')}\n\n`;
  it('gives back every event however the stream is cut into chunks, and never throws on garbage', () => {
    const name = fc.stringMatching(/^[a-z]{1,8}$/);
    const data = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v, null, 1));
    fc.assert(
      fc.property(
        fc.array(fc.record({ event: name, data }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (events, cuts) => {
          const wire = events.map(encode).join('');
          const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
          const got: { event: string; data: string }[] = [];
          let buffer = '';
          let from = 0;
          for (const at of [...points, wire.length]) {
            const taken = takeSseEvents(buffer + wire.slice(from, at));
            buffer = taken.rest;
            got.push(...taken.events);
            from = at;
          }
          expect(got).toEqual(events);
          expect(buffer).toBe('');
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (junk) => void takeSseEvents(junk)),
      { numRuns: 300 },
    );
    expect(takeSseEvents('event: state\r\ndata: {"a":1}\r\n\r\nevent: x\ndata: 2')).toEqual({
      events: [{ event: 'state', data: '{"a":1}' }],
      rest: 'event: x\ndata: 2',
    });
  });
});
