/**
 * BLE wearables: scans, connects the allowlisted ones through a queue (one GATT connect at
 * a time, at most `maxConnected` at once), reconnects each lost one with capped backoff and
 * exactly one pending retry, polls RSSI, and hands each connection to a `WearableSession`.
 * The radio comes in as a noble-like binding: the real one, a replayed recording, or a test
 * double. A box without Bluetooth reports BLE `unavailable` and carries on.
 */
import type { Driver, InputDriverDeps } from '../driver.js';
import type { DeviceInfo } from '../sample.js';
import { Retry, type BackoffLimits } from '../backoff.js';
import type { RecordingTap } from '../replay/recording.js';
import { loadNoble, waitPoweredOn, type BleAdapter, type BlePeripheral, type LoadBle } from './binding.js';
import { normalizeUuid } from './gatt-uuids.js';
import { modelOf, openSession, WearableStreams, type OpenSession, type PmdStreamSettings } from './wearable-session.js';

export interface BleAllowEntry {
  /** BLE address (aa:bb:cc:dd:ee:ff) or the platform's peripheral id. */
  address?: string;
  /** Prefix of the advertised local name, e.g. "Polar H10". */
  name?: string;
}

export interface BleOptions {
  allowlist: BleAllowEntry[];
  maxConnected: number;
  connectTimeoutMs: number;
  poweredOnTimeoutMs: number;
  reconnect: BackoffLimits;
  rssiEveryMs: number;
  pmd: { acc: PmdStreamSettings; ecg: PmdStreamSettings };
  /** What the store records as the device's transport: `replay` when the radio is a recording. */
  transport?: 'ble' | 'replay';
}

export interface SeenWearable {
  key: string;
  id: string;
  address: string;
  name: string | undefined;
  rssi: number;
  services: string[];
  allowed: boolean;
  lastSeenAt: number;
}

interface Known {
  key: string;
  peripheral: BlePeripheral;
  streams: WearableStreams;
  retry: Retry;
  state: 'idle' | 'queued' | 'connecting' | 'connected';
  session: OpenSession | undefined;
  onDisconnect: (() => void) | undefined;
}

export function deviceKeyOf(p: BlePeripheral): string {
  const a = p.address?.toLowerCase();
  return a && a !== 'unknown' && a !== '' ? a : p.id.toLowerCase();
}

export function isAllowed(allowlist: readonly BleAllowEntry[], p: BlePeripheral): boolean {
  const ids = [p.address?.toLowerCase(), p.id.toLowerCase()];
  const name = p.advertisement.localName;
  return allowlist.some((e) => (e.address !== undefined && ids.includes(e.address.toLowerCase())) || (e.name !== undefined && name?.startsWith(e.name) === true));
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

export class BleWearableDriver implements Driver {
  readonly name = 'ble';
  readonly seen = new Map<string, SeenWearable>();
  private readonly known = new Map<string, Known>();
  private queue: Known[] = [];
  private connecting = false;
  private running = false;
  private adapter: BleAdapter | undefined;
  private rssiTimer: NodeJS.Timeout | undefined;
  private readonly onDiscover = (p: BlePeripheral): void => this.discovered(p);

  constructor(
    private readonly options: BleOptions,
    private readonly deps: InputDriverDeps,
    private readonly loadBle: LoadBle = loadNoble,
    private readonly tap?: RecordingTap,
    private readonly now: () => number = Date.now,
  ) {}

  get connectedCount(): number {
    let n = 0;
    for (const k of this.known.values()) if (k.state === 'connected') n++;
    return n;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.running) return;
    this.running = true;
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    const { health } = this.deps;
    health.report('ble', { type: 'subsystem', state: 'starting' });
    try {
      this.adapter = await this.loadBle();
      await waitPoweredOn(this.adapter, this.options.poweredOnTimeoutMs, signal);
    } catch (err) {
      this.adapter = undefined;
      health.report('ble', { state: 'unavailable', detail: (err as Error).message });
      return;
    }
    if (!this.running) return;
    this.adapter.on('discover', this.onDiscover);
    // Duplicates on: every advert refreshes RSSI for `codance scan` and tells us a lost device is back.
    await this.adapter.startScanningAsync([], true);
    this.rssiTimer = setInterval(() => this.pollRssi(), this.options.rssiEveryMs);
    health.report('ble', { state: 'connected', detail: `scanning; ${this.options.allowlist.length} allowlist entr${this.options.allowlist.length === 1 ? 'y' : 'ies'}, at most ${this.options.maxConnected} connected` });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.rssiTimer);
    this.rssiTimer = undefined;
    this.queue = [];
    const adapter = this.adapter;
    if (adapter) {
      adapter.removeListener('discover', this.onDiscover);
      await adapter.stopScanningAsync().catch(() => undefined);
    }
    await Promise.all(
      [...this.known.values()].map(async (k) => {
        k.retry.cancel();
        // A Polar device keeps measuring (and draining its battery) until told to stop.
        if (k.state === 'connected' && k.session) await withTimeout(k.session.stopStreams(), 500, 'PMD stop').catch(() => undefined);
        this.endSession(k);
        if (k.state === 'connected' || k.state === 'connecting') await withTimeout(k.peripheral.disconnectAsync(), 1000, 'disconnect').catch(() => undefined);
        k.state = 'idle';
        this.deps.health.report(k.key, { state: 'stopped' });
      }),
    );
    this.deps.health.report('ble', { state: 'stopped' });
  }

  private discovered(p: BlePeripheral): void {
    if (!this.running) return;
    const key = deviceKeyOf(p);
    const allowed = isAllowed(this.options.allowlist, p);
    const first = !this.seen.has(key);
    this.seen.set(key, { key, id: p.id, address: p.address, name: p.advertisement.localName, rssi: p.rssi, services: (p.advertisement.serviceUuids ?? []).map(normalizeUuid), allowed, lastSeenAt: this.now() });
    if (!allowed) return;
    let k = this.known.get(key);
    if (first || !k) this.tap?.({ type: 'advert', id: key, address: p.address ?? '', ...(p.advertisement.localName ? { name: p.advertisement.localName } : {}), rssi: Math.max(-127, Math.min(20, Math.round(p.rssi))), services: (p.advertisement.serviceUuids ?? []).map(normalizeUuid) });
    if (!k) {
      k = { key, peripheral: p, streams: new WearableStreams(), retry: new Retry(this.options.reconnect), state: 'idle', session: undefined, onDisconnect: undefined };
      this.known.set(key, k);
      this.announce(k, modelOf(p.advertisement.localName, new Set()));
    }
    k.peripheral = p;
    this.deps.health.report(key, { rssi: p.rssi });
    if (k.state === 'idle' && !k.retry.pending) this.enqueue(k);
  }

  private announce(k: Known, model: string): void {
    const info: DeviceInfo = { key: k.key, kind: 'wearable', transport: this.options.transport ?? 'ble', model, name: k.peripheral.advertisement.localName ?? k.key };
    this.deps.announce(info);
  }

  private enqueue(k: Known): void {
    if (!this.running || k.state !== 'idle') return;
    k.state = 'queued';
    this.queue.push(k);
    this.deps.health.report(k.key, { type: 'device', state: 'starting', detail: 'queued for connection' });
    this.pump();
  }

  private pump(): void {
    if (this.connecting || !this.running || this.queue.length === 0) return;
    if (this.connectedCount >= this.options.maxConnected) {
      for (const k of this.queue) this.deps.health.report(k.key, { detail: `waiting for a free connection slot (at most ${this.options.maxConnected})` });
      return;
    }
    const k = this.queue.shift()!;
    this.connecting = true;
    void this.connect(k).finally(() => {
      this.connecting = false;
      this.pump();
    });
  }

  private async connect(k: Known): Promise<void> {
    const p = k.peripheral;
    k.state = 'connecting';
    this.deps.health.report(k.key, { state: 'starting', detail: 'connecting' });
    try {
      await withTimeout(p.connectAsync(), this.options.connectTimeoutMs, 'connect');
      const onDisconnect = (): void => this.disconnected(k);
      k.onDisconnect = onDisconnect;
      p.once('disconnect', onDisconnect);
      const session = await withTimeout(
        openSession(p, k.streams, { key: k.key, pmd: this.options.pmd, emit: this.deps.emit, health: this.deps.health, now: this.now, tap: this.tap && ((char, bytes, kind) => this.tap?.({ type: kind, id: k.key, char, hex: bytes.toString('hex') })) }),
        this.options.connectTimeoutMs,
        'service discovery',
      );
      if (k.state !== 'connecting' || !this.running) {
        session.close();
        return;
      }
      k.session = session;
      k.state = 'connected';
      k.retry.reset();
      this.announce(k, session.model);
      this.deps.health.report(k.key, { state: 'connected', detail: `${session.model}: ${session.characteristics.length} characteristics`, rssi: p.rssi });
    } catch (err) {
      if (!this.running) return;
      this.deps.health.countError(k.key, 'connect_failed');
      this.deps.health.report(k.key, { lastError: (err as Error).message });
      this.endSession(k);
      k.state = 'idle';
      await p.disconnectAsync().catch(() => undefined);
      this.scheduleReconnect(k);
    }
  }

  private disconnected(k: Known): void {
    k.onDisconnect = undefined;
    this.endSession(k);
    const was = k.state;
    k.state = 'idle';
    if (!this.running) return;
    this.tap?.({ type: 'disconnect', id: k.key });
    if (was === 'connected') this.deps.health.countError(k.key, 'disconnected');
    this.scheduleReconnect(k);
    this.pump();
  }

  private endSession(k: Known): void {
    if (k.onDisconnect) k.peripheral.removeListener('disconnect', k.onDisconnect);
    k.onDisconnect = undefined;
    k.session?.close();
    k.session = undefined;
  }

  private scheduleReconnect(k: Known): void {
    if (!this.running) return;
    const delay = k.retry.schedule(() => this.enqueue(k));
    if (delay !== undefined) this.deps.health.report(k.key, { state: 'retrying', detail: `reconnecting in ${delay} ms (attempt ${k.retry.attempts})` });
  }

  private pollRssi(): void {
    for (const k of this.known.values()) {
      if (k.state !== 'connected') continue;
      k.peripheral.updateRssiAsync().then(
        (rssi) => this.deps.health.report(k.key, { rssi }),
        () => undefined,
      );
    }
  }
}
