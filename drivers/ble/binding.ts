/**
 * The slice of noble's async API the BLE driver uses, so the same driver runs against a radio
 * (`radio/radio-process.ts`: noble in a process of its own), a replayed recording, or a test
 * double. Nothing here loads a native module: a box without Bluetooth still starts.
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
  discoverSomeServicesAndCharacteristicsAsync(
    serviceUuids: string[],
    characteristicUuids: string[],
  ): Promise<{ characteristics: BleCharacteristic[] }>;
  once(event: 'disconnect', listener: (reason?: unknown) => void): unknown;
  removeListener(event: 'disconnect', listener: (reason?: unknown) => void): unknown;
}

export interface BleAdapter {
  /** 'poweredOn' when usable. */
  state: string;
  /** Why it is not powered on, in one line with what to do (radios say; test doubles may not). */
  readonly detail?: string;
  /** True when retrying cannot help (e.g. the binding does not load). */
  readonly permanent?: boolean;
  /** When it will try again by itself, if it is down and does. */
  readonly retryInMs?: number;
  on(event: 'stateChange', listener: (state: string) => void): unknown;
  on(event: 'discover', listener: (peripheral: BlePeripheral) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  removeListener(event: 'stateChange' | 'discover', listener: (...args: any[]) => void): unknown;
  startScanningAsync(serviceUuids?: string[], allowDuplicates?: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  /** Releases the radio (a radio process exits); adapters that hold nothing omit it. */
  close?(): void | Promise<void>;
}

export type LoadBle = () => Promise<BleAdapter>;

export class BleUnavailableError extends Error {
  constructor(cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `Bluetooth is not available on this machine (${why}); check that the adapter is present and powered (bluetoothctl show)`,
    );
    this.name = 'BleUnavailableError';
  }
}

/** Waits until the adapter is powered on, or fails naming the state it is stuck in. */
export function waitPoweredOn(adapter: BleAdapter, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  if (adapter.state === 'poweredOn') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onState = (state: string): void => {
      if (state === 'poweredOn') {
        done();
        resolve();
      } else if (adapter.detail !== undefined) {
        // A radio that says why it is down has failed this attempt: no point waiting out the timer.
        done();
        reject(new Error(adapter.detail));
      }
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
