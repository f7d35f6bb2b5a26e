/**
 * A sample's latency is measured from the moment its driver received it, so time it spends
 * waiting behind other work on the way to the outputs (a slow store handler, the other dancers
 * of a burst) shows in `/metrics`. The daemon runs in this process with simulated dancers.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/index.js';
import { Daemon } from '../../../daemon/daemon.js';
import { createLogger } from '../../../daemon/logger.js';
import { freePort, sleep, tempDir } from '../../helpers/daemon-process.js';

const HOLD_MS = 150;

async function running(hold: boolean): Promise<{ daemon: Daemon; close: () => Promise<void> }> {
  const desk = createSocket('udp4');
  await new Promise<void>((r) => desk.bind(0, '127.0.0.1', r));
  const dir = tempDir('codance-origin-');
  const file = join(dir, 'codance.yaml');
  writeFileSync(
    file,
    [
      `http: {port: ${await freePort()}}`,
      `store: {path: ${join(dir, 'codance.db')}}`,
      'simulation: {dancers: 4, seed: 3, bpm: 120}',
      'pipeline: {enabled: false}',
      `osc: {targets: [{name: desk, host: 127.0.0.1, port: ${desk.address().port}}], in: {port: 0}, query: {port: 0}}`,
      '',
    ].join('\n'),
  );
  const daemon = new Daemon({ config: loadConfig({ file }), log: createLogger('silent') });
  const abort = new AbortController();
  await daemon.start(abort.signal);
  const { bus, store } = daemon.parts!;
  if (hold) {
    // The store's handler holds the first accelerometer block of each burst back: the
    // dancers after it in the burst wait, though the store is not on their path.
    const write = store.write.bind(store);
    let lastBurst = 0;
    store.write = (s) => {
      if (s.kind === 'raw' && s.arrivedAt !== undefined && s.arrivedAt !== lastBurst) {
        lastBurst = s.arrivedAt;
        const until = performance.now() + HOLD_MS;
        while (performance.now() < until);
      }
      write(s);
    };
  }
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

  it('is stamped in the driver: a sample held back by the store handler shows its wait in the histogram', async () => {
    const held = await running(true);
    close = held.close;
    await sleep(2500);
    const slow = await slowSampleValues(held.daemon);
    await held.close();

    const free = await running(false);
    close = free.close;
    await sleep(2500);
    const quick = await slowSampleValues(free.daemon);

    expect(slow.total).toBeGreaterThan(10);
    expect(quick.total).toBeGreaterThan(10);
    // Held back 150 ms behind the first dancer's store write, the others' values are older than
    // 0.1 s when sent; with nothing holding them, none are.
    expect(slow.over).toBeGreaterThan(0);
    expect(quick.over).toBe(0);
  });
});
