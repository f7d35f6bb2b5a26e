/**
 * `codance scan`: the wearables in range on every configured radio, their RSSI and services,
 * and whether the config allows them. A radio that cannot be used is named with the reason
 * and what to do; the scan fails only when no radio could listen at all.
 */
import Table from 'cli-table3';
import { readFile } from 'node:fs/promises';
import type { Config } from '../../config/index.js';
import { waitPoweredOn, type BleAdapter, type BlePeripheral } from '../../drivers/ble/binding.js';
import { deviceKeyOf, isAllowed } from '../../drivers/ble/allowlist.js';
import { BATTERY_SERVICE, HEART_RATE_SERVICE, normalizeUuid } from '../../drivers/ble/gatt-uuids.js';
import { PMD_SERVICE } from '../../drivers/ble/pmd/measurement.js';
import { radiosFromConfig } from '../../drivers/ble/radio/radios.js';
import { radioName } from '../../drivers/ble/radio-slot.js';
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
  /** The strongest RSSI any radio heard. */
  rssi: number;
  services: string[];
  allowed: boolean;
  /** The radios that heard it. */
  radios: string[];
}

export interface ScanResult {
  rows: ScanRow[];
  /** Radios that could not listen, each with the reason and what to do. */
  problems: { radio: string; detail: string }[];
}

interface Listener {
  name: string;
  adapter: BleAdapter;
}

async function openRadios(ble: Config['ble'], problems: ScanResult['problems']): Promise<Listener[]> {
  const opened = await Promise.all(
    radiosFromConfig(ble).map(async (radio): Promise<Listener | undefined> => {
      let adapter: BleAdapter | undefined;
      try {
        adapter = await radio.load();
        await waitPoweredOn(adapter, ble.poweredOnTimeoutMs + 1000);
        return { name: radio.name, adapter };
      } catch (err) {
        problems.push({ radio: radioName(radio), detail: (err as Error).message });
        await adapter?.close?.();
        return undefined;
      }
    }),
  );
  return opened.filter((l): l is Listener => l !== undefined);
}

export async function scan(opts: { seconds: number; replay?: string; ble: Config['ble'] }): Promise<ScanResult> {
  const problems: ScanResult['problems'] = [];
  let listeners: Listener[];
  if (opts.replay) {
    const parsed = parseRecording(await readFile(opts.replay, 'utf8'));
    if (!parsed.ok) throw new Error(`${opts.replay}: ${parsed.reason}`);
    listeners = [{ name: 'replay', adapter: new ReplayBle(parsed.value, Infinity) }];
  } else {
    listeners = await openRadios(opts.ble, problems);
    if (listeners.length === 0) throw new Error(problems.map((p) => `radio ${p.radio}: ${p.detail}`).join('\n'));
  }
  const seen = new Map<string, ScanRow>();
  const cleanups = listeners.map(({ name, adapter }) => {
    const onDiscover = (p: BlePeripheral): void => {
      const key = deviceKeyOf(p);
      const row = seen.get(key);
      const services = (p.advertisement.serviceUuids ?? []).map(normalizeUuid).map((u) => SERVICE_NAMES[u] ?? u);
      const shown = p.advertisement.localName ?? row?.name ?? null;
      const radios = row?.radios.includes(name) ? row.radios : [...(row?.radios ?? []), name];
      seen.set(key, {
        address: key,
        name: shown,
        rssi: Math.max(p.rssi, row?.rssi ?? -127),
        services: services.length > 0 ? services : (row?.services ?? []),
        allowed: isAllowed(opts.ble.allowlist, p),
        radios,
      });
    };
    adapter.on('discover', onDiscover);
    return async (): Promise<void> => {
      adapter.removeListener('discover', onDiscover);
      await adapter.stopScanningAsync().catch(() => undefined);
      await adapter.close?.();
    };
  });
  try {
    await Promise.all(listeners.map((l) => l.adapter.startScanningAsync([], true)));
    await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  } finally {
    await Promise.all(cleanups.map((c) => c()));
  }
  return { rows: [...seen.values()].sort((a, b) => b.rssi - a.rssi), problems };
}

/** Radios that could not listen, one line each (stderr: the table or JSON stays clean for scripts). */
export function renderScanProblems(result: ScanResult): string {
  return result.problems.map((p) => `radio ${p.radio} is not listening: ${p.detail}\n`).join('');
}

export function renderScan(result: ScanResult): string {
  if (result.rows.length === 0) return 'no wearables found (are they awake and advertising?)\n';
  const table = new Table({
    head: ['address', 'name', 'RSSI', 'services', 'allowed', 'radios'],
    style: { head: [], border: [] },
  });
  for (const r of result.rows)
    table.push([
      r.address,
      r.name ?? '',
      `${r.rssi} dBm`,
      r.services.join(', '),
      r.allowed ? 'yes' : 'no (not in ble.allowlist)',
      r.radios.join(', '),
    ]);
  return `${table.toString()}\n`;
}
