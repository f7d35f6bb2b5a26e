/**
 * What the lane's rules sent reaches the main thread's SentValues intact: addresses told once,
 * then (index, value) pairs; numbers, booleans and nulls; rule rows; listeners told.
 */
import { describe, expect, it } from 'vitest';
import { SentCollector, SentMirror, type SentSnapshot } from '../../../daemon/lane/sent-mirror.js';
import { SentValues } from '../../../daemon/mapping/sent-values.js';
import { BeatGrid } from '../../../daemon/lane/beat-grid.js';

/** Through a structured clone, as a worker's message goes. */
const cloned = (s: SentSnapshot): SentSnapshot => structuredClone(s);

describe('SentCollector and SentMirror', () => {
  it('carry every address, value and rule row across, each address named once', () => {
    let now = 1000;
    const lane = new SentValues(() => now);
    const collector = new SentCollector(lane);
    const main = new SentValues(() => now);
    const mirror = new SentMirror(main);
    const heard: string[] = [];
    main.onValue((address, _type, value) => heard.push(`${address}=${String(value)}`));

    lane.record('dancer-hr', ['desk'], '/codance/dancer/1/hr', 'f', 0.25, false, 'band-1');
    lane.record('dancer-hr', ['desk'], '/codance/dancer/1/hr', 'f', 0.5, false, 'band-1');
    lane.record('beat', ['desk'], '/codance/beat', 'T', true, true, undefined);
    lane.record('dmx', ['ola'], '/dmx/universe/1', 'b', null, false, undefined);
    const first = cloned(collector.snapshot());
    expect(first.added.map((a) => a[1])).toEqual(['/codance/dancer/1/hr', '/codance/beat', '/dmx/universe/1']);
    expect(first.values.length).toBe(6); // one pair per address: the latest value
    mirror.apply(first);

    now = 2000;
    lane.record('dancer-hr', ['desk'], '/codance/dancer/1/hr', 'f', 0.75, false, 'band-1');
    const second = cloned(collector.snapshot());
    expect(second.added).toEqual([]);
    mirror.apply(second);

    expect([...main.addresses()]).toEqual([...lane.addresses()]);
    expect(main.addresses().get('/codance/dancer/1/hr')).toEqual({
      type: 'f',
      value: 0.75,
      rule: 'dancer-hr',
      device: 'band-1',
    });
    expect(main.addresses().get('/codance/beat')?.value).toBe(true);
    expect(main.addresses().get('/dmx/universe/1')?.value).toBeNull();
    expect(main.rules()).toEqual(lane.rules());
    expect(heard).toEqual([
      '/codance/dancer/1/hr=0.5',
      '/codance/beat=true',
      '/dmx/universe/1=null',
      '/codance/dancer/1/hr=0.75',
    ]);
    expect(cloned(collector.snapshot()).values.length).toBe(0);
  });

  it('takes nothing of a device forgotten since the lane made the snapshot', () => {
    const lane = new SentValues(() => 0);
    const collector = new SentCollector(lane);
    const main = new SentValues(() => 0);
    const mirror = new SentMirror(main);
    lane.record('dancer-hr', ['desk'], '/d/1/hr', 'f', 0.4, false, 'band-1');
    lane.record('dancer-hr', ['desk'], '/d/2/hr', 'f', 0.6, false, 'band-2');
    mirror.apply(cloned(collector.snapshot()), new Set(['band-1']));
    expect(main.addresses().has('/d/1/hr')).toBe(false);
    expect(main.addresses().get('/d/2/hr')?.value).toBe(0.6);
  });

  it('keeps up with many addresses between two reports', () => {
    const lane = new SentValues(() => 0);
    const collector = new SentCollector(lane);
    const main = new SentValues(() => 0);
    const mirror = new SentMirror(main);
    for (let slot = 1; slot <= 3000; slot++)
      lane.record('m', ['desk'], `/d/${slot}/m`, 'f', slot / 3000, false, `b${slot}`);
    mirror.apply(cloned(collector.snapshot()));
    expect(main.addresses().size).toBe(3000);
    expect(main.addresses().get('/d/3000/m')?.value).toBe(1);
  });
});

describe('BeatGrid', () => {
  it('gives the first beat at or after a time on the last grid it heard', () => {
    const g = new BeatGrid();
    expect(g.nextAfter(0)).toBeUndefined();
    g.beat({
      index: 8,
      count: 1,
      beatInBar: 1,
      bar: 1,
      phrase: 2,
      at: 10_000,
      bpm: 120,
      barStart: true,
      phraseStart: true,
      source: 'fallback',
    } as never);
    expect(g.nextAfter(10_000)).toBe(10_000);
    expect(g.nextAfter(10_001)).toBe(10_500);
    expect(g.nextAfter(9_800)).toBe(10_000);
    expect(g.nextAfter(9_000)).toBe(9_000);
  });
});
