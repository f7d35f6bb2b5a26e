/**
 * An emulated BLE venue (test/peers/bumble/venue.py on Google's Bumble): radios the box
 * drives as HCI UART dongles on ptys, and wearables with real GATT services behind them.
 * The venue reports every notification it sends, so a test can hold the store to exactly
 * what left each wearable. Bumble is vendored in ../shared/vendor/bumble (CODANCE_BUMBLE);
 * tests that need it say why they are skipped when it is absent. CI always has it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ROOT, tempDir, type DaemonProcess } from './daemon-process.js';
import { waitFor } from './wait.js';

export const bumblePath = resolve(process.env.CODANCE_BUMBLE ?? '../shared/vendor/bumble');
export const hasBumble = existsSync(join(bumblePath, 'bumble', 'controller.py'));
export const noBumbleReason = `Bumble not found at ${bumblePath} (set CODANCE_BUMBLE)`;
const VENV_PYTHON = join(ROOT, 'var/bumble-venv/bin/python');

export type WearableKind = 'hr' | 'polar' | 'band' | 'drop' | 'mute';

export interface WearableSpec {
  kind: WearableKind;
  name: string;
  address?: string;
  rssi?: number;
  battery?: number;
  dropEveryS?: number;
  advertisingMs?: number;
}

export interface VenueEvent {
  t: number;
  event: string;
  dev?: string;
  radio?: string;
  char?: string;
  stream?: string;
  seq?: number;
  hr?: number;
  rr?: number[];
  first?: number;
  count?: number;
  reason?: number;
  /** CLOCK_MONOTONIC ns when a notification left the wearable (same clock as process.hrtime.bigint()). */
  mono?: number;
  wearables?: { name: string; address: string; kind: WearableKind }[];
}

/** The values venue.py sends, by sample index (keep in step with its functions of the same names). */
export const sent = {
  accMg: (i: number): [number, number, number] => [i % 1000, -(i % 1000), 1000 - (i % 7)],
  ecgUv: (i: number): number => (i % 4000) - 2000,
  /** int16 counts at ±8 g */
  imuRaw: (i: number): [number, number, number] => [(i % 2048) - 1024, 2048 - (i % 512), 4096],
  edaNs: (i: number): number => 2000 + (i % 500) * 3,
  tempCenti: (i: number): number => 3300 + (i % 100),
};

export class BumbleVenue {
  readonly dir = tempDir('codance-bumble-');
  readonly events: VenueEvent[] = [];
  private proc: ChildProcess | undefined;
  private stderr = '';
  /** name → address, once ready */
  readonly addresses = new Map<string, string>();

  constructor(
    readonly radios: string[],
    readonly wearables: WearableSpec[],
  ) {}

  /** The pty path of a radio, to put in `ble.adapters[].path`. */
  pty(radio: string): string {
    return join(this.dir, radio);
  }

  async start(): Promise<void> {
    const setup = spawnSync('bash', [join(ROOT, 'test/peers/bumble/setup.sh'), bumblePath], { encoding: 'utf8' });
    if (setup.status !== 0) throw new Error(`bumble setup failed: ${setup.stderr}`);
    const spec = join(this.dir, 'venue.json');
    writeFileSync(
      spec,
      JSON.stringify({ radios: this.radios.map((name) => ({ name, pty: this.pty(name) })), wearables: this.wearables }),
    );
    for (const r of this.radios) rmSync(this.pty(r), { force: true });
    const proc = spawn(VENV_PYTHON, [join(ROOT, 'test/peers/bumble/venue.py'), spec], {
      env: { ...process.env, PYTHONPATH: bumblePath, PYTHONUNBUFFERED: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc = proc;
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) this.events.push(JSON.parse(line) as VenueEvent);
      }
    });
    // Bumble logs a warning per unsupported command; keep the tail for failure messages only.
    proc.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    const ready = await waitFor(
      () =>
        this.events.find((e) => e.event === 'ready') ??
        (proc.exitCode !== null ? ({ event: 'exited' } as VenueEvent) : undefined),
      'the Bumble venue',
      20_000,
    );
    if (ready.event !== 'ready') throw new Error(`the Bumble venue exited: ${this.stderr}`);
    for (const w of ready.wearables ?? []) this.addresses.set(w.name, w.address);
  }

  address(name: string): string {
    const a = this.addresses.get(name);
    if (!a) throw new Error(`no wearable named ${name}`);
    return a;
  }

  command(cmd: Record<string, string>): void {
    this.proc?.stdin?.write(`${JSON.stringify(cmd)}\n`);
  }

  of(dev: string, event?: string): VenueEvent[] {
    return this.events.filter((e) => e.dev === dev && (event === undefined || e.event === event));
  }

  /** What a wearable sent on one stream (`2a37` for heart rate, or acc, ecg, imu, eda, temp). */
  sentOn(dev: string, stream: string): VenueEvent[] {
    return this.events.filter((e) => e.event === 'sent' && e.dev === dev && (e.stream ?? e.char) === stream);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    this.command({ cmd: 'quit' });
    const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  get log(): string {
    return this.stderr;
  }
}

/**
 * A venue for one test file: started before its tests, stopped after them, and a daemon a
 * failed test left running (`held.daemon`) is killed with it.
 */
export function venueForTests(
  radios: string[],
  wearables: WearableSpec[],
): { venue: BumbleVenue; held: { daemon: DaemonProcess | undefined } } {
  const venue = new BumbleVenue(radios, wearables);
  const held: { daemon: DaemonProcess | undefined } = { daemon: undefined };
  beforeAll(() => venue.start(), 60_000);
  afterAll(async () => {
    held.daemon?.child.kill('SIGKILL');
    await venue.stop();
  });
  return { venue, held };
}
