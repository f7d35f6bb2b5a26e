/**
 * A sample's latency is measured from the moment its driver received it, so time it spends
 * waiting on the way to the real-time lane (a slow consent check, the other dancers of a
 * burst) shows in `/metrics`; and a slow store handler, which runs after the lane has the
 * sample, does not delay the outputs. The daemon runs in this process, replaying a real E4
 * wristband recording through a driver on the main thread.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/index.js';
import type { Sample } from '../../../config/signals.js';
import { Daemon } from '../../../daemon/daemon.js';
import { createLogger } from '../../../daemon/logger.js';
import { dataFile } from '../../helpers/data.js';
import { freePort, sleep, tempDir } from '../../helpers/daemon-process.js';

const HOLD_MS = 150;

/** Busy for HOLD_MS on an accelerometer block at most every half second (the first wait of each burst). */
function holding<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
  let last = 0;
  return (...a) => {
    const s = a[0] as Sample;
    if (s.kind === 'raw' && s.arrivedAt !== undefined && s.arrivedAt - last > 500) {
      last = s.arrivedAt;
      const until = performance.now() + HOLD_MS;
      while (performance.now() < until);
    }
    return fn(...a);
  };
}

async function running(hold: 'store' | 'consent'): Promise<{ daemon: Daemon; close: () => Promise<void> }> {
  const desk = createSocket('udp4');
  await new Promise<void>((r) => desk.bind(0, '127.0.0.1', r));
  const dir = tempDir('codance-origin-');
  const file = join(dir, 'codance.yaml');
  writeFileSync(
    file,
    [
      `http: {port: ${await freePort()}}`,
      `store: {path: ${join(dir, 'codance.db')}}`,
      `replay: {sources: [{format: e4, path: ${dataFile('physio', 'flirt', 'empatica')}, speed: 1, deviceKey: e4-held}]}`,
      'pipeline: {enabled: false}',
      `osc: {targets: [{name: desk, host: 127.0.0.1, port: ${desk.address().port}}], in: {port: 0}, query: {port: 0}}`,
      '',
    ].join('\n'),
  );
  const daemon = new Daemon({ config: loadConfig({ file }), log: createLogger('silent') });
  const abort = new AbortController();
  await daemon.start(abort.signal);
  const { bus, store } = daemon.parts!;
  if (hold === 'store') store.write = holding(store.write.bind(store));
  // The consent gate is asked before anyone sees a sample, the lane included.
  else store.consent.sample = holding(store.consent.sample.bind(store.consent));
  expect(bus.listenerCount('sample')).toBeGreaterThan(1);
  return {
    daemon,
    close: async () => {
      abort.abort();
      await daemon.stop();
      desk.close();
    },
  };
}

/** Observations of dancers' values over 0.1 s old when sent, from the latency histogram. */
async function slowSampleValues(daemon: Daemon): Promise<{ over: number; total: number }> {
  const text = await daemon.parts!.room.metrics.metrics();
  const bucket = (le: string) =>
    Number(
      new RegExp(
        `codance_output_latency_seconds_bucket\\{le="${le.replace('+', '\\+')}",output="osc",kind="continuous",path="sample"\\} (\\d+)`,
      ).exec(text)?.[1] ?? NaN,
    );
  return { over: bucket('+Inf') - bucket('0.1'), total: bucket('+Inf') };
}

describe('the origin of a sample', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('is stamped in the driver: a sample held back before the lane shows its wait in the histogram, a slow store does not delay it', async () => {
    const gated = await running('consent');
    close = gated.close;
    await sleep(3500);
    const slow = await slowSampleValues(gated.daemon);
    await gated.close();

    const storing = await running('store');
    close = storing.close;
    await sleep(3500);
    const quick = await slowSampleValues(storing.daemon);

    expect(slow.total).toBeGreaterThan(4);
    expect(quick.total).toBeGreaterThan(4);
    // Held 150 ms at the consent gate, values are older than 0.1 s when sent; held 150 ms in
    // the store's handler, after the lane has the sample, none are.
    expect(slow.over).toBeGreaterThan(0);
    expect(quick.over).toBe(0);
  });
});
