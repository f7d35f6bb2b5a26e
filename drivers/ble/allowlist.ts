/**
 * Which wearables may connect (`ble.allowlist`), and the key a wearable is known by: its BLE
 * address where the platform gives one, else the peripheral id. The scan and the driver agree
 * on both.
 */
import type { BlePeripheral } from './binding.js';

export interface BleAllowEntry {
  /** BLE address (aa:bb:cc:dd:ee:ff) or the platform's peripheral id. */
  address?: string;
  /** Prefix of the advertised local name, e.g. "Polar H10". */
  name?: string;
}

export function deviceKeyOf(p: BlePeripheral): string {
  const a = p.address?.toLowerCase();
  return a && a !== 'unknown' && a !== '' ? a : p.id.toLowerCase();
}

export function isAllowed(allowlist: readonly BleAllowEntry[], p: BlePeripheral): boolean {
  const ids = [p.address?.toLowerCase(), p.id.toLowerCase()];
  const name = p.advertisement.localName;
  return allowlist.some(
    (e) =>
      (e.address !== undefined && ids.includes(e.address.toLowerCase())) ||
      (e.name !== undefined && name?.startsWith(e.name) === true),
  );
}
