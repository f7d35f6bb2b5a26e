/**
 * The radios a configuration asks for (`ble.adapters`, or one socket radio on hci0 when none
 * are listed), each as a `BleRadio` whose adapter is a supervised radio process.
 */
import type { BleAdapterConfig, Config } from '../../../config/index.js';
import type { BleRadio } from '../radio-slot.js';
import { RadioProcess, radioLabel } from './radio-process.js';

export const DEFAULT_ADAPTER: BleAdapterConfig = { name: 'hci0', transport: 'socket', device: 0 };

export function configuredAdapters(ble: Config['ble']): BleAdapterConfig[] {
  return ble.adapters.length > 0 ? ble.adapters : [DEFAULT_ADAPTER];
}

/** `entry`: the radio child's script, for tests that run the TypeScript sources. */
export function radiosFromConfig(ble: Config['ble'], entry?: string): BleRadio[] {
  return configuredAdapters(ble).map((radio) => ({
    name: radio.name,
    id: `ble:${radio.name}`,
    label: radioLabel(radio),
    maxConnected: radio.maxConnected ?? ble.maxConnected,
    load: () => {
      const process = new RadioProcess({
        radio,
        poweredOnTimeoutMs: ble.poweredOnTimeoutMs,
        restart: ble.adapterRetry,
        ...(entry === undefined ? {} : { entry }),
      });
      process.open();
      return Promise.resolve(process);
    },
  }));
}
