/** `codance scan`: the wearables in range, their RSSI and services, and whether the config allows them. */
import Table from 'cli-table3';
import { readFile } from 'node:fs/promises';
import { loadNoble, waitPoweredOn, type BleAdapter, type BlePeripheral } from '../../drivers/ble/binding.js';
import { deviceKeyOf, isAllowed, type BleAllowEntry } from '../../drivers/ble/ble-driver.js';
import { BATTERY_SERVICE, HEART_RATE_SERVICE, normalizeUuid } from '../../drivers/ble/gatt-uuids.js';
import { PMD_SERVICE } from '../../drivers/ble/pmd/measurement.js';
import { WRISTBAND_SERVICE } from '../../drivers/ble/wristband-profile.js';
import { parseRecording } from '../../drivers/replay/recording.js';
import { ReplayBle } from '../../drivers/replay/replay-ble.js';

const SERVICE_NAMES: Record<string, string> = {
  [HEART_RATE_SERVICE]: 'heart rate',
  [BATTERY_SERVICE]: 'battery',
  [PMD_SERVICE]: 'polar pmd',
  [WRISTBAND_SERVICE]: 'codance wristband',
};

export interface ScanRow {
  address: string;
  name: string | null;
  rssi: number;
  services: string[];
  allowed: boolean;
}

export async function scan(opts: { seconds: number; replay?: string; allowlist: BleAllowEntry[] }): Promise<ScanRow[]> {
  let adapter: BleAdapter;
  let replay: ReplayBle | undefined;
  if (opts.replay) {
    const parsed = parseRecording(await readFile(opts.replay, 'utf8'));
    if (!parsed.ok) throw new Error(`${opts.replay}: ${parsed.reason}`);
    adapter = replay = new ReplayBle(parsed.value, Infinity);
  } else {
    adapter = await loadNoble();
  }
  await waitPoweredOn(adapter, 10_000);
  const seen = new Map<string, ScanRow>();
  const onDiscover = (p: BlePeripheral): void => {
    const services = (p.advertisement.serviceUuids ?? []).map(normalizeUuid).map((u) => SERVICE_NAMES[u] ?? u);
    seen.set(deviceKeyOf(p), { address: deviceKeyOf(p), name: p.advertisement.localName ?? null, rssi: p.rssi, services, allowed: isAllowed(opts.allowlist, p) });
  };
  adapter.on('discover', onDiscover);
  await adapter.startScanningAsync([], true);
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  await adapter.stopScanningAsync();
  adapter.removeListener('discover', onDiscover);
  replay?.close();
  return [...seen.values()].sort((a, b) => b.rssi - a.rssi);
}

export function renderScan(rows: ScanRow[]): string {
  if (rows.length === 0) return 'no wearables found (are they awake and advertising?)\n';
  const table = new Table({ head: ['address', 'name', 'RSSI', 'services', 'allowed'], style: { head: [], border: [] } });
  for (const r of rows) table.push([r.address, r.name ?? '', `${r.rssi} dBm`, r.services.join(', '), r.allowed ? 'yes' : 'no (not in ble.allowlist)']);
  return `${table.toString()}\n`;
}
