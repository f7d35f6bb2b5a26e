/**
 * A noble-like adapter that plays a recording back: adverts become discoveries, recorded
 * notifications arrive on the characteristics the driver subscribed to, recorded disconnects
 * drop the link. Each peripheral's playback pauses while it is disconnected and resumes when
 * the driver has reconnected and subscribed again, so a recording's data is delivered once
 * whatever the driver's reconnect timing. `speed` 1 is real time; Infinity is as fast as the
 * driver can take it.
 */
import { EventEmitter } from 'node:events';
import type { BleAdapter, BleCharacteristic, BlePeripheral } from '../ble/binding.js';
import { normalizeUuid } from '../ble/gatt-uuids.js';
import type { Recording, RecordingEvent } from './recording.js';

type PeripheralEvent = Extract<RecordingEvent, { type: 'notify' | 'read' | 'disconnect' }>;

class ReplayCharacteristic extends EventEmitter implements BleCharacteristic {
  subscribed = false;
  value: Buffer = Buffer.alloc(0);
  readonly written: Buffer[] = [];
  constructor(
    readonly uuid: string,
    readonly properties: string[],
    private readonly onSubscribe: () => void,
  ) {
    super();
  }
  readAsync(): Promise<Buffer> {
    return Promise.resolve(this.value);
  }
  writeAsync(data: Buffer): Promise<void> {
    this.written.push(Buffer.from(data));
    return Promise.resolve();
  }
  subscribeAsync(): Promise<void> {
    this.subscribed = true;
    this.onSubscribe();
    return Promise.resolve();
  }
  unsubscribeAsync(): Promise<void> {
    this.subscribed = false;
    return Promise.resolve();
  }
}

export class ReplayPeripheral extends EventEmitter implements BlePeripheral {
  state = 'disconnected';
  readonly advertisement: { localName?: string; serviceUuids?: string[] };
  readonly characteristics = new Map<string, ReplayCharacteristic>();
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Host time at which the recording's t=0 would have played, for the current run of playback. */
  private anchor = 0;
  readonly stats = { delivered: 0, undelivered: 0, disconnects: 0, connects: 0 };
  private finishedResolve: (() => void) | undefined;
  readonly finished: Promise<void>;

  constructor(
    readonly id: string,
    readonly address: string,
    public rssi: number,
    name: string | undefined,
    services: string[],
    private readonly events: PeripheralEvent[],
    private readonly speed: number,
  ) {
    super();
    this.advertisement = { localName: name, serviceUuids: services };
    this.finished = new Promise((r) => (this.finishedResolve = r));
    for (const e of events) {
      if (e.type === 'disconnect') continue;
      const uuid = normalizeUuid(e.char);
      let c = this.characteristics.get(uuid);
      if (!c)
        this.characteristics.set(
          uuid,
          (c = new ReplayCharacteristic(uuid, e.type === 'read' ? ['read'] : ['notify'], () => this.resumeSoon())),
        );
      if (e.type === 'read' && c.value.length === 0) c.value = Buffer.from(e.hex, 'hex');
      if (e.type === 'notify' && !c.properties.includes('notify')) c.properties.push('notify');
    }
    if (events.length === 0) this.finishedResolve?.();
  }

  connectAsync(): Promise<void> {
    this.state = 'connected';
    this.stats.connects++;
    return Promise.resolve();
  }

  disconnectAsync(): Promise<void> {
    this.drop();
    return Promise.resolve();
  }

  updateRssiAsync(): Promise<number> {
    return Promise.resolve(this.rssi);
  }

  discoverSomeServicesAndCharacteristicsAsync(
    _services: string[],
    characteristics: string[],
  ): Promise<{ characteristics: BleCharacteristic[] }> {
    const wanted = new Set(characteristics.map(normalizeUuid));
    return Promise.resolve({
      characteristics: [...this.characteristics.values()].filter((c) => wanted.size === 0 || wanted.has(c.uuid)),
    });
  }

  /** Stops playback timers (the adapter's stop). */
  halt(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drop(): void {
    if (this.state !== 'connected') return;
    this.state = 'disconnected';
    this.halt();
    for (const c of this.characteristics.values()) c.subscribed = false;
    this.emit('disconnect');
  }

  /** Playback resumes once the driver has had a moment to finish subscribing. */
  private resumeSoon(): void {
    if (this.timer || this.state !== 'connected') return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const next = this.events[this.cursor];
      if (next) this.anchor = performance.now() - (Number.isFinite(this.speed) ? next.t / this.speed : 0);
      this.play();
    }, 0);
  }

  private play(): void {
    this.timer = undefined;
    while (this.state === 'connected' && this.cursor < this.events.length) {
      const e = this.events[this.cursor]!;
      const due = Number.isFinite(this.speed) ? this.anchor + e.t / this.speed : 0;
      const wait = due - performance.now();
      if (wait > 1) {
        this.timer = setTimeout(() => this.play(), wait);
        return;
      }
      this.cursor++;
      if (e.type === 'disconnect') {
        this.stats.disconnects++;
        this.drop();
        break;
      }
      const c = this.characteristics.get(normalizeUuid(e.char))!;
      const bytes = Buffer.from(e.hex, 'hex');
      if (e.type === 'read') c.value = bytes;
      else if (c.subscribed) {
        this.stats.delivered++;
        c.emit('data', bytes, true);
      } else this.stats.undelivered++;
    }
    if (this.cursor >= this.events.length) this.finishedResolve?.();
  }
}

export class ReplayBle extends EventEmitter implements BleAdapter {
  state = 'poweredOn';
  readonly peripherals = new Map<string, ReplayPeripheral>();
  private readonly adverts: Extract<RecordingEvent, { type: 'advert' }>[] = [];
  private timers: NodeJS.Timeout[] = [];
  private scanning = false;

  constructor(
    recording: Recording,
    private readonly speed = 1,
  ) {
    super();
    const byId = new Map<string, PeripheralEvent[]>();
    for (const e of recording.events) {
      if (e.type === 'serial') continue;
      if (e.type === 'advert') {
        this.adverts.push(e);
        continue;
      }
      let list = byId.get(e.id);
      if (!list) byId.set(e.id, (list = []));
      list.push(e);
    }
    for (const a of this.adverts) {
      if (this.peripherals.has(a.id)) continue;
      this.peripherals.set(
        a.id,
        new ReplayPeripheral(a.id, a.address, a.rssi, a.name, a.services, byId.get(a.id) ?? [], speed),
      );
    }
  }

  /**
   * Resolves when these peripherals (default: all) have played all their events. Playback of
   * a peripheral starts when a driver first subscribes to it: one never connected never finishes.
   */
  finished(ids: string[] = [...this.peripherals.keys()]): Promise<void> {
    return Promise.all(ids.map((id) => this.peripherals.get(id)?.finished ?? Promise.resolve())).then(() => undefined);
  }

  startScanningAsync(): Promise<void> {
    if (this.scanning) return Promise.resolve();
    this.scanning = true;
    const t0 = performance.now();
    for (const a of this.adverts) {
      const delay = Number.isFinite(this.speed) ? a.t / this.speed : 0;
      this.timers.push(
        setTimeout(
          () => {
            const p = this.peripherals.get(a.id)!;
            p.rssi = a.rssi;
            if (this.scanning) this.emit('discover', p);
          },
          Math.max(0, delay - (performance.now() - t0)),
        ),
      );
    }
    return Promise.resolve();
  }

  stopScanningAsync(): Promise<void> {
    this.scanning = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    return Promise.resolve();
  }

  /** Stops everything (scan timers and playback). */
  close(): void {
    void this.stopScanningAsync();
    for (const p of this.peripherals.values()) p.halt();
  }
}
