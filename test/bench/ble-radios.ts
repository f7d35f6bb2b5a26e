/**
 * BLE through the real host stack: twelve emulated Polar H10s (Bumble) streaming heart rate
 * and 50 Hz PMD accelerometer over two HCI UART radios, read by the BLE driver with one radio
 * process per radio. Measured: connect time (connect request → streaming), notification →
 * bus latency (the wearable stamps CLOCK_MONOTONIC as a frame leaves; the bus handler stamps
 * the same clock), and CPU share of the daemon process and the radio processes.
 *
 * Baseline, in the same run against the same venue: bare @stoprocent/noble, both radios in
 * this one process, doing the same connect, discovery, subscriptions and PMD start, and
 * nothing with the data. The ratios are the price of the radio processes, IPC, parsing and
 * the stream bookkeeping.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { configSchema } from '../../config/index.js';
import { BleWearableDriver } from '../../drivers/ble/ble-driver.js';
import { encodeStart } from '../../drivers/ble/pmd/control-point.js';
import { PMD_CONTROL_POINT, PMD_DATA } from '../../drivers/ble/pmd/measurement.js';
import type { RadioProcess } from '../../drivers/ble/radio/radio-process.js';
import { radiosFromConfig } from '../../drivers/ble/radio/radios.js';
import { HealthRegistry } from '../../drivers/health/registry.js';
import { BumbleVenue, hasBumble, noBumbleReason } from '../helpers/bumble.js';
import { ROOT } from '../helpers/daemon-process.js';
import { pct, round, type Figure } from './figure.js';

const WEARABLES = 12;
const SECONDS = 20;
const CHILD = join(ROOT, 'dist/drivers/ble/radio/radio-child.js');
const NAMES = Array.from({ length: WEARABLES }, (_, i) => `Polar H10 B${String(i + 1).padStart(3, '0')}`);

const monoNs = (): number => Number(process.hrtime.bigint());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU seconds a process has used (utime + stime from /proc). */
function procCpuS(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const selfCpuS = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface Run {
  connectMs: number[];
  /** ms from the wearable's send to this process's handler, per ACC frame */
  latencyMs: number[];
  cpuShare: number;
  radioCpuShare: number;
  frames: number;
}

/**
 * Latency of each received ACC frame, matched to the venue's send stamp by wearable and the
 * frame's end index. `since`: the venue events of this run; with `relative`, indices count
 * from the first frame of the run (the driver's stream index), else from the device's start.
 */
function latencies(
  venue: BumbleVenue,
  since: number,
  received: { dev: string; end: number; ns: number }[],
  relative: boolean,
): number[] {
  const sentAt = new Map<string, number>();
  const offset = new Map<string, number>();
  for (const e of venue.events.slice(since)) {
    if (e.event !== 'sent' || e.stream !== 'acc') continue;
    if (!offset.has(e.dev!)) offset.set(e.dev!, relative ? e.first! : 0);
    sentAt.set(`${e.dev}|${e.first! + e.count!}`, e.mono!);
  }
  const out: number[] = [];
  for (const r of received) {
    const s = sentAt.get(`${r.dev}|${r.end + (offset.get(r.dev) ?? 0)}`);
    if (s !== undefined) out.push((r.ns - s) / 1e6);
  }
  return out;
}

interface NobleChar {
  uuid: string;
  on(e: 'data', f: (d: Buffer, n: boolean) => void): void;
  subscribeAsync(): Promise<void>;
  writeAsync(d: Buffer, w: boolean): Promise<void>;
}
interface NoblePeripheral {
  id: string;
  advertisement: { localName?: string };
  connectAsync(): Promise<void>;
  disconnectAsync(): Promise<void>;
  discoverSomeServicesAndCharacteristicsAsync(s: string[], c: string[]): Promise<{ characteristics: NobleChar[] }>;
}
interface Noble {
  on(e: 'stateChange', f: (s: string) => void): void;
  on(e: 'discover', f: (p: NoblePeripheral) => void): void;
  startScanningAsync(s: string[], d: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  stop(): void;
  state: string;
}

/** The baseline: bare noble, both radios in this process, the same GATT work, nothing done with the data. */
async function bareNoble(venue: BumbleVenue): Promise<Run> {
  const require = createRequire(import.meta.url);
  const { withBindings } = require('@stoprocent/noble') as { withBindings(this: void, t: string, o: object): Noble };
  const since = venue.events.length;
  const radios = venue.radios.map((r) =>
    withBindings('hci', { hciDriver: 'uart', bindParams: { uart: { port: venue.pty(r), baudRate: 1_000_000 } } }),
  );
  const connectMs: number[] = [];
  const received: { dev: string; end: number; ns: number }[] = [];
  const links: NoblePeripheral[] = [];
  const taken = new Set<string>();
  let frames = 0;
  await Promise.all(
    radios.map((n) => new Promise<void>((resolve) => n.on('stateChange', (s) => s === 'poweredOn' && resolve()))),
  );
  radios.forEach((noble, r) => {
    let busy = Promise.resolve();
    noble.on('discover', (p) => {
      const name = p.advertisement.localName;
      // Same spread as the driver: alternate radios, one connect at a time on each.
      if (!name || !NAMES.includes(name) || taken.has(name) || NAMES.indexOf(name) % radios.length !== r) return;
      taken.add(name);
      busy = busy.then(async () => {
        const t0 = monoNs();
        await p.connectAsync();
        await noble.startScanningAsync([], true); // this noble stops scanning to connect
        const { characteristics } = await p.discoverSomeServicesAndCharacteristicsAsync(
          ['180d', '180f', 'fb005c8002e7f3871cad8acd2d8df0c8'],
          ['2a37', '2a19', PMD_CONTROL_POINT, PMD_DATA],
        );
        for (const c of characteristics) {
          if (c.uuid === '2a19') continue;
          if (c.uuid === PMD_DATA) {
            c.on('data', (d) => {
              frames++;
              const count = (d.length - 10) / 6;
              const lastNs = Number(d.readBigUInt64LE(1));
              received.push({ dev: name, end: Math.round((lastNs * 50) / 1e9) + 1, ns: monoNs() });
              if (count <= 0) throw new Error('empty frame');
            });
          }
          await c.subscribeAsync();
        }
        await characteristics
          .find((c) => c.uuid === PMD_CONTROL_POINT)!
          .writeAsync(Buffer.from(encodeStart('acc', { sampleRate: 50, resolution: 16, range: 8 })), false);
        connectMs.push((monoNs() - t0) / 1e6);
        links.push(p);
      });
    });
    void noble.startScanningAsync([], true);
  });
  while (connectMs.length < WEARABLES) await sleep(50);
  await sleep(2000);
  const cpu0 = selfCpuS();
  const t0 = performance.now();
  const from = received.length;
  await sleep(SECONDS * 1000);
  const cpuShare = (selfCpuS() - cpu0) / ((performance.now() - t0) / 1000);
  const window = received.slice(from);
  await Promise.all(links.map((p) => p.disconnectAsync().catch(() => undefined)));
  for (const n of radios) await n.stopScanningAsync().catch(() => undefined);
  for (const n of radios) n.stop();
  return { connectMs, latencyMs: latencies(venue, since, window, false), cpuShare, radioCpuShare: 0, frames };
}

/** The box's way: the BLE driver with one radio process per radio, samples onto a bus handler. */
async function driver(venue: BumbleVenue): Promise<Run> {
  if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: npm run build first`);
  const since = venue.events.length;
  const ble = configSchema.parse({
    ble: {
      enabled: true,
      allowlist: [{ name: 'Polar H10 B' }],
      maxConnected: 7,
      adapters: venue.radios.map((name) => ({ name, transport: 'uart', path: venue.pty(name) })),
    },
  }).ble;
  const processes: RadioProcess[] = [];
  const radios = radiosFromConfig(ble, CHILD).map((r) => ({
    ...r,
    load: async () => {
      const a = await r.load();
      processes.push(a as RadioProcess);
      return a;
    },
  }));
  const started = new Map<string, number>();
  const connectMs: number[] = [];
  const health = new HealthRegistry(Date.now, (next) => {
    if (next.type !== 'device') return;
    if (next.state === 'starting' && next.detail?.startsWith('connecting via')) started.set(next.id, monoNs());
    if (next.state === 'connected' && started.has(next.id)) {
      connectMs.push((monoNs() - started.get(next.id)!) / 1e6);
      started.delete(next.id);
    }
  });
  const keyToName = new Map(NAMES.map((n) => [venue.address(n), n]));
  const received: { dev: string; end: number; ns: number }[] = [];
  let frames = 0;
  const d = new BleWearableDriver(
    {
      allowlist: ble.allowlist,
      connectTimeoutMs: ble.connectTimeoutMs,
      poweredOnTimeoutMs: ble.poweredOnTimeoutMs,
      reconnect: ble.reconnect,
      rssiEveryMs: ble.rssiEveryMs,
      pmd: ble.pmd,
    },
    {
      emit: (s) => {
        if (s.kind !== 'raw' || s.stream !== 'acc') return;
        frames++;
        received.push({ dev: keyToName.get(s.deviceKey)!, end: s.firstIndex + s.values.length / 3, ns: monoNs() });
      },
      announce: () => undefined,
      health,
    },
    radios,
  );
  await d.start(new AbortController().signal);
  while (d.connectedCount < WEARABLES) await sleep(50);
  await sleep(2000);
  const pids = processes.map((p) => p.pid!);
  const cpu0 = selfCpuS();
  const radio0 = pids.reduce((a, p) => a + procCpuS(p), 0);
  const t0 = performance.now();
  const from = received.length;
  await sleep(SECONDS * 1000);
  const wall = (performance.now() - t0) / 1000;
  const cpuShare = (selfCpuS() - cpu0) / wall;
  const radioCpuShare = (pids.reduce((a, p) => a + procCpuS(p), 0) - radio0) / wall;
  const window = received.slice(from);
  await d.stop();
  return { connectMs, latencyMs: latencies(venue, since, window, true), cpuShare, radioCpuShare, frames };
}

export async function bleRadioFigures(): Promise<Record<string, Figure>> {
  if (!hasBumble) {
    console.error(`ble figures skipped: ${noBumbleReason}`);
    return {};
  }
  const venue = new BumbleVenue(
    ['radio1', 'radio2'],
    NAMES.map((name, i) => ({ kind: 'polar' as const, name, rssi: -45 - i })),
  );
  await venue.start();
  try {
    const base = await bareNoble(venue);
    await sleep(1500); // the wearables advertise again
    const ours = await driver(venue);
    const p = (xs: number[], q: number) => round(pct(xs, q), 2);
    const ratio = (a: number, b: number) => round(a / b, 2);
    const c50 = p(ours.connectMs, 50);
    const b50 = p(base.connectMs, 50);
    const l50 = p(ours.latencyMs, 50);
    const l99 = p(ours.latencyMs, 99);
    const bl50 = p(base.latencyMs, 50);
    const bl99 = p(base.latencyMs, 99);
    const cpu = ours.cpuShare + ours.radioCpuShare;
    return {
      'ble.connect_p50_ms': {
        value: c50,
        unit: `ms from connect request to streaming (link, discovery, subscriptions, PMD start), median of ${ours.connectMs.length} wearables over 2 UART radios`,
        baseline: b50,
        ratio: ratio(c50, b50),
      },
      'ble.connect_max_ms': {
        value: p(ours.connectMs, 100),
        unit: 'ms, the slowest of them',
        baseline: p(base.connectMs, 100),
      },
      'ble.notify_to_bus_p50_ms': {
        value: l50,
        unit: `ms from a PMD ACC frame leaving the wearable to its samples on the bus (${ours.latencyMs.length} frames)`,
        baseline: bl50,
        ratio: ratio(l50, bl50),
      },
      'ble.notify_to_bus_p99_ms': { value: l99, unit: 'ms, p99', baseline: bl99, ratio: ratio(l99, bl99) },
      'ble.cpu_share': {
        value: round(cpu, 3),
        unit: `CPU seconds per second (1 = one core), daemon process + radio processes, ${WEARABLES} H10s streaming HR and ACC at 50 Hz for ${SECONDS} s`,
        baseline: round(base.cpuShare, 3),
        ratio: ratio(cpu, base.cpuShare),
      },
      'ble.cpu_share_daemon': {
        value: round(ours.cpuShare, 3),
        unit: 'of which the daemon process (IPC in, parsing, stream clocks, bus)',
      },
      'ble.cpu_share_radios': {
        value: round(ours.radioCpuShare, 3),
        unit: 'of which the two radio processes (noble, HCI over UART, IPC out)',
      },
    };
  } finally {
    await venue.stop();
  }
}
