/**
 * A wearable seen by a radio process, as the BLE driver handles it: a noble-like peripheral
 * and its characteristics whose every operation is a request to the radio's child process.
 */
import { EventEmitter } from 'node:events';
import type { BleCharacteristic, BlePeripheral } from '../binding.js';
import type { AdvertSnapshot, CharacteristicSnapshot, RadioRequest } from './radio-protocol.js';

/** What a peripheral needs of its radio: a request to the child, answered or refused. */
export interface RadioRequester {
  request<T>(r: RadioRequest): Promise<T>;
}

export class RemoteCharacteristic extends EventEmitter implements BleCharacteristic {
  constructor(
    private readonly peripheral: RemotePeripheral,
    readonly uuid: string,
    readonly properties: string[],
  ) {
    super();
  }
  readAsync(): Promise<Buffer> {
    return this.peripheral
      .request<Uint8Array>({ op: 'read', id: this.peripheral.id, char: this.uuid })
      .then((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  writeAsync(data: Buffer, withoutResponse: boolean): Promise<void> {
    return this.peripheral.request({ op: 'write', id: this.peripheral.id, char: this.uuid, data, withoutResponse });
  }
  subscribeAsync(): Promise<void> {
    return this.peripheral.request({ op: 'subscribe', id: this.peripheral.id, char: this.uuid });
  }
  unsubscribeAsync(): Promise<void> {
    return this.peripheral.request({ op: 'unsubscribe', id: this.peripheral.id, char: this.uuid });
  }
}

export class RemotePeripheral extends EventEmitter implements BlePeripheral {
  state = 'disconnected';
  rssi = 0;
  address = '';
  advertisement: { localName?: string; serviceUuids?: string[] } = {};
  readonly characteristics = new Map<string, RemoteCharacteristic>();

  constructor(
    private readonly radio: RadioRequester,
    readonly id: string,
    seen: AdvertSnapshot,
  ) {
    super();
    this.update(seen);
  }

  update(seen: AdvertSnapshot): void {
    this.rssi = seen.rssi;
    this.address = seen.address;
    this.advertisement = { ...(seen.name === undefined ? {} : { localName: seen.name }), serviceUuids: seen.services };
  }

  request<T = void>(r: RadioRequest): Promise<T> {
    return this.radio.request<T>(r);
  }

  async connectAsync(): Promise<void> {
    this.state = 'connecting';
    try {
      await this.request({ op: 'connect', id: this.id });
      this.state = 'connected';
    } catch (err) {
      this.state = 'disconnected';
      throw err;
    }
  }

  disconnectAsync(): Promise<void> {
    if (this.state === 'disconnected') return Promise.resolve();
    return this.request({ op: 'disconnect', id: this.id });
  }

  updateRssiAsync(): Promise<number> {
    return this.request<number>({ op: 'rssi', id: this.id }).then((rssi) => (this.rssi = rssi));
  }

  async discoverSomeServicesAndCharacteristicsAsync(
    services: string[],
    characteristics: string[],
  ): Promise<{ characteristics: BleCharacteristic[] }> {
    const found = await this.request<CharacteristicSnapshot[]>({
      op: 'discover',
      id: this.id,
      services,
      characteristics,
    });
    for (const c of this.characteristics.values()) c.removeAllListeners();
    this.characteristics.clear();
    for (const c of found) this.characteristics.set(c.uuid, new RemoteCharacteristic(this, c.uuid, c.properties));
    return { characteristics: [...this.characteristics.values()] };
  }

  /** The link is gone (the child said so, or the child itself is gone). */
  lost(reason: string): void {
    if (this.state === 'disconnected') return;
    this.state = 'disconnected';
    this.emit('disconnect', reason);
  }
}
