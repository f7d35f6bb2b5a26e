/**
 * BLE wearables over one or more radios: scans on every radio, spreads the allowlisted
 * wearables over them (at most `maxConnected` links per radio, one connect in flight per
 * radio, the emptiest radio that heard the wearable first), reconnects each lost one with
 * capped backoff and exactly one pending retry, polls RSSI, and hands each link to a
 * `WearableSession`. A wearable's stream state outlives its links, so indices carry on when
 * it comes back, on the same radio or another. Each radio comes in as a noble-like binding:
 * a radio process, a replayed recording, or a test double. A radio that is missing or gone
 * is reported on its own health component and never stops the others.
 */
import type { Driver, InputDriverDeps } from '../driver.js';
import type { DeviceInfo } from '../../config/signals.js';
import type { RecordingTap } from '../replay/recording.js';
import type { BlePeripheral } from './binding.js';
import { deviceKeyOf, isAllowed } from './allowlist.js';
import { normalizeUuid } from './gatt-uuids.js';
import { RadioSlot, type BleRadio } from './radio-slot.js';
import { heard, newKnown, radioFor, withTimeout, type BleOptions, type Known, type SeenWearable } from './wearables.js';
import { modelOf, openSession } from './wearable-session.js';

export type { BleRadio } from './radio-slot.js';

export type { BleOptions, SeenWearable } from './wearables.js';

export class BleWearableDriver implements Driver {
  readonly name = 'ble';
  readonly seen = new Map<string, SeenWearable>();
  private readonly known = new Map<string, Known>();
  private readonly slots: RadioSlot[];
  private queue: Known[] = [];
  private running = false;
  private rssiTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: BleOptions,
    private readonly deps: InputDriverDeps,
    radios: readonly BleRadio[],
    private readonly tap?: RecordingTap,
    private readonly now: () => number = Date.now,
  ) {
    const hooks = {
      health: deps.health,
      poweredOnTimeoutMs: options.poweredOnTimeoutMs,
      onUp: (slot: RadioSlot) => {
        slot.report();
        this.pump();
      },
      onDown: (slot: RadioSlot) => this.radioDown(slot),
      onDiscover: (slot: RadioSlot, p: BlePeripheral) => this.discovered(slot, p),
    };
    this.slots = radios.map((r) => new RadioSlot(r, hooks));
  }

  get connectedCount(): number {
    let n = 0;
    for (const k of this.known.values()) if (k.state === 'connected') n++;
    return n;
  }

  /** Which radio each connected wearable is on (key → radio name). */
  get placement(): Map<string, string> {
    const out = new Map<string, string>();
    for (const k of this.known.values()) if (k.state === 'connected' && k.link) out.set(k.key, k.link.slot.name);
    return out;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.running) return;
    this.running = true;
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    // Radios come up on their own time; start() waits only for each to be loaded.
    await Promise.all(this.slots.map((s) => s.start()));
    this.rssiTimer = setInterval(() => this.pollRssi(), this.options.rssiEveryMs);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.rssiTimer);
    this.rssiTimer = undefined;
    this.queue = [];
    await Promise.all(
      [...this.known.values()].map(async (k) => {
        k.retry.cancel();
        const link = k.link;
        // A Polar device keeps measuring (and draining its battery) until told to stop.
        if (k.state === 'connected' && k.session)
          await withTimeout(k.session.stopStreams(), 500, 'PMD stop').catch(() => undefined);
        this.endSession(k);
        if (link && (k.state === 'connected' || k.state === 'connecting'))
          await withTimeout(link.p.disconnectAsync(), 1000, 'disconnect').catch(() => undefined);
        k.state = 'idle';
        this.setLink(k, undefined);
        this.deps.health.report(k.key, { state: 'stopped' });
      }),
    );
    await Promise.all(this.slots.map((s) => s.stop()));
  }

  /** Every link change goes through here, so each radio's count stays exact without a scan. */
  private setLink(k: Known, link: Known['link']): void {
    const before = k.link?.slot;
    k.link = link;
    if (before === link?.slot) return;
    if (before) {
      before.links--;
      before.report();
    }
    if (link) {
      link.slot.links++;
      link.slot.report();
    }
  }

  private discovered(slot: RadioSlot, p: BlePeripheral): void {
    if (!this.running) return;
    const key = deviceKeyOf(p);
    const allowed = isAllowed(this.options.allowlist, p);
    const at = this.now();
    const first = !this.seen.has(key);
    const services = (p.advertisement.serviceUuids ?? []).map(normalizeUuid);
    this.seen.set(key, { key, id: p.id, address: p.address, ...heard(p), services, allowed, lastSeenAt: at });
    if (!allowed) return;
    let k = this.known.get(key);
    if (first || !k)
      this.tap?.({
        type: 'advert',
        id: key,
        address: p.address ?? '',
        ...(p.advertisement.localName ? { name: p.advertisement.localName } : {}),
        rssi: Math.max(-127, Math.min(20, Math.round(p.rssi))),
        services,
      });
    if (!k) {
      k = newKnown(key, p.advertisement.localName, this.options.reconnect);
      this.known.set(key, k);
      this.announce(k, modelOf(k.name, new Set()));
    }
    k.name = p.advertisement.localName ?? k.name;
    k.adverts.set(slot, { p, at });
    if (!k.link) this.deps.health.report(key, { rssi: p.rssi });
    if (k.state === 'idle' && !k.retry.pending) this.enqueue(k);
    else if (k.state === 'queued') this.pump();
  }

  private announce(k: Known, model: string): void {
    const info: DeviceInfo = {
      key: k.key,
      kind: 'wearable',
      transport: this.options.transport ?? 'ble',
      model,
      name: k.name ?? k.key,
    };
    this.deps.announce(info);
  }

  private enqueue(k: Known): void {
    if (!this.running || k.state !== 'idle') return;
    k.state = 'queued';
    this.queue.push(k);
    this.deps.health.report(k.key, { type: 'device', state: 'starting', detail: 'queued for connection' });
    this.pump();
    if (k.state === 'queued' && radioFor(k, this.now()) === 'full')
      this.deps.health.report(k.key, { detail: `waiting for a free connection slot (at most ${this.maxLinksText()})` });
  }

  private pump(): void {
    if (!this.running || this.queue.length === 0) return;
    // Nothing can start while every radio is busy, full or down: skip walking the queue.
    if (!this.slots.some((s) => s.up && !s.connecting && s.links < s.radio.maxConnected)) return;
    const waiting: Known[] = [];
    for (const k of this.queue) {
      const choice = radioFor(k, this.now());
      if (typeof choice === 'object') void this.connect(k, choice.slot, choice.p);
      else {
        waiting.push(k);
        if (choice === 'full')
          this.deps.health.report(k.key, {
            detail: `waiting for a free connection slot (at most ${this.maxLinksText()})`,
          });
      }
    }
    this.queue = waiting;
  }

  private maxLinksText(): string {
    return this.slots.map((s) => `${s.radio.maxConnected} on ${s.name}`).join(', ');
  }

  private async connect(k: Known, slot: RadioSlot, p: BlePeripheral): Promise<void> {
    k.state = 'connecting';
    this.setLink(k, { slot, p });
    slot.connecting = true;
    this.deps.health.report(k.key, { state: 'starting', detail: `connecting via ${slot.name}` });
    try {
      try {
        await withTimeout(p.connectAsync(), this.options.connectTimeoutMs, 'connect');
      } finally {
        // The link layer is done with this radio; discovery runs beside the next connect.
        if (k.link?.slot === slot) slot.connecting = false;
        this.pump();
      }
      if (k.link?.p !== p) return;
      const onDisconnect = (): void => this.disconnected(k, p);
      k.onDisconnect = onDisconnect;
      p.once('disconnect', onDisconnect);
      const session = await withTimeout(
        openSession(p, k.streams, {
          key: k.key,
          pmd: this.options.pmd,
          emit: this.deps.emit,
          health: this.deps.health,
          now: this.now,
          tap:
            this.tap &&
            ((char, bytes, kind) => this.tap?.({ type: kind, id: k.key, char, hex: bytes.toString('hex') })),
        }),
        this.options.connectTimeoutMs,
        'service discovery',
      );
      if (k.state !== 'connecting' || k.link?.p !== p || !this.running) {
        session.close();
        return;
      }
      k.session = session;
      k.state = 'connected';
      k.retry.reset();
      this.announce(k, session.model);
      this.deps.health.report(k.key, {
        state: 'connected',
        detail: `${session.model} via ${slot.name}: ${session.characteristics.length} characteristics`,
        rssi: p.rssi,
      });
    } catch (err) {
      if (!this.running || k.link?.p !== p) return;
      this.deps.health.countError(k.key, 'connect_failed');
      this.deps.health.report(k.key, { lastError: `via ${slot.name}: ${(err as Error).message}` });
      this.endSession(k);
      k.state = 'idle';
      this.setLink(k, undefined);
      await p.disconnectAsync().catch(() => undefined);
      this.scheduleReconnect(k);
      this.pump();
    }
  }

  private disconnected(k: Known, p: BlePeripheral): void {
    if (k.link?.p !== p) return;
    this.endSession(k);
    const was = k.state;
    k.state = 'idle';
    this.setLink(k, undefined);
    if (!this.running) return;
    this.tap?.({ type: 'disconnect', id: k.key });
    if (was === 'connected') this.deps.health.countError(k.key, 'disconnected');
    this.scheduleReconnect(k);
    this.pump();
  }

  /** Every link on a radio that went away is lost; its adverts no longer count. */
  private radioDown(slot: RadioSlot): void {
    for (const k of this.known.values()) {
      k.adverts.delete(slot);
      if (k.link?.slot === slot) this.disconnected(k, k.link.p);
    }
  }

  private endSession(k: Known): void {
    if (k.onDisconnect && k.link) k.link.p.removeListener('disconnect', k.onDisconnect);
    k.onDisconnect = undefined;
    k.session?.close();
    k.session = undefined;
  }

  private scheduleReconnect(k: Known): void {
    if (!this.running) return;
    const delay = k.retry.schedule(() => this.enqueue(k));
    if (delay !== undefined)
      this.deps.health.report(k.key, {
        state: 'retrying',
        detail: `reconnecting in ${delay} ms (attempt ${k.retry.attempts})`,
      });
  }

  private pollRssi(): void {
    for (const k of this.known.values()) {
      if (k.state !== 'connected' || !k.link) continue;
      k.link.p.updateRssiAsync().then(
        (rssi) => this.deps.health.report(k.key, { rssi }),
        () => undefined,
      );
    }
  }
}
