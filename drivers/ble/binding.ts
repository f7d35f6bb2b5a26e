/**
 * The slice of @abandonware/noble's async API the BLE driver uses, so the same driver runs
 * against the radio, a replayed recording, or a test double. The real module is imported
 * lazily inside `loadNoble`: on a box without Bluetooth the import fails (EAFNOSUPPORT) and
 * the driver reports BLE as unavailable instead of taking the daemon down.
 */
export interface BleCharacteristic {
  uuid: string;
  properties: string[];
  readAsync(): Promise<Buffer>;
  writeAsync(data: Buffer, withoutResponse: boolean): Promise<void>;
  subscribeAsync(): Promise<void>;
  unsubscribeAsync(): Promise<void>;
  on(event: 'data', listener: (data: Buffer, isNotification: boolean) => void): unknown;
  removeAllListeners(event?: 'data'): unknown;
}

export interface BlePeripheral {
  id: string;
  address: string;
  rssi: number;
  state: string;
  advertisement: { localName?: string; serviceUuids?: string[] };
  connectAsync(): Promise<void>;
  disconnectAsync(): Promise<void>;
  updateRssiAsync(): Promise<number>;
  discoverSomeServicesAndCharacteristicsAsync(serviceUuids: string[], characteristicUuids: string[]): Promise<{ characteristics: BleCharacteristic[] }>;
  once(event: 'disconnect', listener: (reason?: unknown) => void): unknown;
  removeListener(event: 'disconnect', listener: (reason?: unknown) => void): unknown;
}

export interface BleAdapter {
  /** 'poweredOn' when usable. */
  state: string;
  on(event: 'stateChange', listener: (state: string) => void): unknown;
  on(event: 'discover', listener: (peripheral: BlePeripheral) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  removeListener(event: 'stateChange' | 'discover', listener: (...args: any[]) => void): unknown;
  startScanningAsync(serviceUuids?: string[], allowDuplicates?: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
}

export type LoadBle = () => Promise<BleAdapter>;

export class BleUnavailableError extends Error {
  constructor(cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Bluetooth is not available on this machine (${why}); check that the adapter is present and powered (bluetoothctl show)`);
    this.name = 'BleUnavailableError';
  }
}

export const loadNoble: LoadBle = async () => {
  try {
    const mod = (await import('@abandonware/noble')) as unknown as { default: BleAdapter };
    return mod.default;
  } catch (err) {
    throw new BleUnavailableError(err);
  }
};

/** Waits until the adapter is powered on, or fails naming the state it is stuck in. */
export function waitPoweredOn(adapter: BleAdapter, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  if (adapter.state === 'poweredOn') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onState = (state: string): void => {
      if (state !== 'poweredOn') return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new BleUnavailableError(`adapter state is "${adapter.state}" after ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = (): void => {
      done();
      reject(new Error('aborted'));
    };
    const done = (): void => {
      clearTimeout(timer);
      adapter.removeListener('stateChange', onState);
      signal?.removeEventListener('abort', onAbort);
    };
    adapter.on('stateChange', onState);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
