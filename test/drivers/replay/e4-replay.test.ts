/** An Empatica E4 folder from shared/data played back through the input-driver interface. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { parseE4Ibi, parseE4Signal } from '../../../models/data/e4-csv.js';
import { E4ReplayDriver } from '../../../drivers/replay/e4-replay-driver.js';
import type { DeviceInfo, Sample } from '../../../config/signals.js';
import { dataFile, hasData, noDataReason } from '../../helpers/data.js';
import { sleep } from '../../helpers/wait.js';

const folder = hasData ? dataFile('physio', 'flirt', 'empatica') : '';
const rows = (name: string): number =>
  readFileSync(`${folder}/${name}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length - 2;

describe.skipIf(!hasData)(`E4 folder replay${hasData ? '' : ` (skipped: ${noDataReason})`}`, () => {
  function collect(speed: number) {
    const samples: Sample[] = [];
    const devices: DeviceInfo[] = [];
    const health = new HealthRegistry();
    const driver = new E4ReplayDriver(
      { path: folder, deviceKey: 'e4-flirt', speed },
      { emit: (s) => samples.push(s), announce: (d) => devices.push(d), health },
    );
    return { samples, devices, health, driver };
  }

  it('plays every sample of the folder, with the IBIs as RR in 1/1024 s', async () => {
    const { samples, devices, health, driver } = collect(Infinity);
    await driver.start(new AbortController().signal);
    await driver.finished;
    expect(devices).toEqual([expect.objectContaining({ key: 'e4-flirt', transport: 'replay' })]);
    const of = (kind: Sample['kind']): Sample[] => samples.filter((s) => s.kind === kind);
    expect(of('eda')).toHaveLength(rows('EDA.csv'));
    expect(of('skin_temp')).toHaveLength(rows('TEMP.csv'));
    expect(of('heart_rate')).toHaveLength(rows('HR.csv'));
    const acc = samples.filter((s) => s.kind === 'raw' && s.stream === 'acc');
    expect(acc.reduce((n, s) => n + (s.kind === 'raw' ? s.values.length / 3 : 0), 0)).toBe(rows('ACC.csv'));
    const ibi = parseE4Ibi(readFileSync(`${folder}/IBI.csv`, 'utf8'));
    if (!ibi.ok) throw new Error(ibi.reason);
    const rr = of('heart_rate').flatMap((s) => (s.kind === 'heart_rate' ? s.rr1024 : []));
    expect(rr.length).toBeGreaterThan(0);
    expect(rr[0]).toBe(Math.round(ibi.value.beats[0]!.ibiS * 1024));
    const first = acc[0];
    if (first?.kind !== 'raw') throw new Error('no acc');
    // 1/64 g: a wrist at rest reads about 1 g in magnitude.
    const [x, y, z] = [first.values[0]!, first.values[1]!, first.values[2]!];
    expect(Math.hypot(x, y, z)).toBeGreaterThan(0.5);
    expect(Math.hypot(x, y, z)).toBeLessThan(2);
    expect(health.get('e4-flirt')?.state).toBe('stopped');
  });

  it('in real time scaled by speed: never ahead of the recording clock', async () => {
    const { samples, driver } = collect(50);
    const t0 = performance.now();
    await driver.start(new AbortController().signal);
    await sleep(400);
    await driver.stop();
    const wall = performance.now() - t0;
    const eda = samples.filter((s) => s.kind === 'eda');
    // EDA runs at 4 Hz: sample i belongs to recording time i/4 s, which must not precede wall time × 50.
    expect(eda.length).toBeGreaterThan(4);
    expect((eda.length - 1) / 4).toBeLessThanOrEqual((wall / 1000) * 50 + 0.25);
  });

  it('rejects a malformed file naming it and the line', () => {
    expect(parseE4Signal('1644227574\n4\n0.1\nabc\n', 'EDA.csv', 1)).toEqual({
      ok: false,
      reason: 'EDA.csv line 4: expected 1 number(s), got "abc"',
    });
    expect(parseE4Signal('1644227574, 1644227574\n32, 32\n1,2\n', 'ACC.csv', 3)).toMatchObject({
      ok: false,
      reason: 'ACC.csv line 1: expected 3 start time(s) in Unix seconds',
    });
  });
});
