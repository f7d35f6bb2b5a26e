/**
 * The radio process's host stack: noble loaded for one controller (a Linux HCI socket or an
 * HCI UART), the slice of its API the process uses, and the checks that name what is wrong
 * with a radio before noble is asked (no such adapter, no such UART, no permission).
 */
import { existsSync, accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import type { BleAdapterConfig } from '../../../config/index.js';
import type { BleCharacteristic, BlePeripheral } from '../binding.js';
import type { RadioProblem } from './radio-protocol.js';

/** noble's characteristic is the slice the driver uses (reads also arrive as 'data', flagged not a notification). */
export type NobleCharacteristic = BleCharacteristic;

export interface NobleService {
  uuid: string;
  discoverCharacteristicsAsync(uuids: string[]): Promise<NobleCharacteristic[]>;
}

/** noble's peripheral: the slice the driver uses, plus what only the radio process needs. */
export type NoblePeripheral = Pick<
  BlePeripheral,
  'id' | 'address' | 'rssi' | 'state' | 'advertisement' | 'connectAsync' | 'disconnectAsync' | 'updateRssiAsync'
> & {
  cancelConnect(): void;
  discoverServicesAsync(uuids: string[]): Promise<NobleService[]>;
  on(event: 'disconnect', listener: (reason: unknown) => void): unknown;
};

export interface Noble {
  state: string;
  address: string;
  on(event: 'stateChange', listener: (state: string) => void): unknown;
  on(event: 'discover', listener: (p: NoblePeripheral) => void): unknown;
  startScanningAsync(services: string[], allowDuplicates: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  stop(): void;
}

/** The checks a technician would make first, so the reason names the device and what to do. */
export function preflight(radio: BleAdapterConfig): RadioProblem | undefined {
  if (radio.transport === 'socket') {
    if (!existsSync(`/sys/class/bluetooth/hci${radio.device}`)) {
      return {
        detail: `no Bluetooth adapter hci${radio.device} on this machine: plug one in (ls /sys/class/bluetooth), or use an HCI UART radio (ble.adapters)`,
        permanent: false,
      };
    }
    return undefined;
  }
  if (!existsSync(radio.path))
    return {
      detail: `no such UART ${radio.path}: is the radio plugged in? (ls -l /dev/serial/by-id)`,
      permanent: false,
    };
  try {
    accessSync(radio.path, constants.R_OK | constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    return {
      detail: `cannot open ${radio.path} (${code}): the daemon's user needs the dialout group`,
      permanent: false,
    };
  }
  return undefined;
}

export function loadNoble(radio: BleAdapterConfig): Noble {
  const require = createRequire(import.meta.url);
  // Load the transport's native part first: a binding that is not built fails here, by name.
  const socket = require('@stoprocent/bluetooth-hci-socket') as { loadDriver(kind: string): unknown };
  socket.loadDriver(radio.transport === 'socket' ? 'native' : 'uart');
  const { withBindings } = require('@stoprocent/noble') as {
    withBindings(this: void, type: string, options: object): Noble;
  };
  return radio.transport === 'socket'
    ? withBindings('hci', { hciDriver: 'native', deviceId: radio.device })
    : withBindings('hci', { hciDriver: 'uart', bindParams: { uart: { port: radio.path, baudRate: radio.baudRate } } });
}
