/**
 * `codance devices`: every device the box knows (from the store), who wears it, and — when
 * the daemon is running — its live state from /health.
 */
import { storedDevices } from '../store/repositories/floor.js';
import Table from 'cli-table3';
import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Config } from '../../config/index.js';
import type { ComponentHealth } from '../../drivers/health/registry.js';

export interface DeviceRow {
  key: string;
  kind: string;
  transport: string;
  model: string;
  name: string;
  dancer: string | null;
  battery: number | null;
  state: string | null;
  lastSampleAgeS: number | null;
  errors: Record<string, number>;
}

async function liveHealth(config: Config): Promise<Map<string, ComponentHealth> | undefined> {
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  try {
    const res = await fetch(`http://${host}:${config.http.port}/health`, { signal: AbortSignal.timeout(1500) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { drivers?: { components?: ComponentHealth[] } };
    return new Map((body.drivers?.components ?? []).map((c) => [c.id, c]));
  } catch {
    return undefined;
  }
}

export async function listDevices(config: Config): Promise<{ rows: DeviceRow[]; live: boolean }> {
  const live = await liveHealth(config);
  const rows: DeviceRow[] = [];
  if (existsSync(config.store.path)) {
    const db = new BetterSqlite3(config.store.path, { readonly: true, fileMustExist: true });
    try {
      const stored = storedDevices(db);
      for (const s of stored) {
        const h = live?.get(s.key);
        rows.push({
          ...s,
          battery: h?.batteryPercent ?? s.battery,
          state: h?.state ?? null,
          lastSampleAgeS: h?.lastSampleAt ? Math.round((Date.now() - h.lastSampleAt) / 100) / 10 : null,
          errors: h?.errors ?? {},
        });
      }
    } finally {
      db.close();
    }
  }
  // Controllers and devices the daemon has but never stored (haptics are outputs, not stored devices).
  for (const h of live?.values() ?? []) {
    if (h.type !== 'device' || rows.some((r) => r.key === h.id)) continue;
    rows.push({
      key: h.id,
      kind: h.id.startsWith('haptic:') ? 'haptic_controller' : 'wearable',
      transport: '',
      model: '',
      name: h.detail ?? '',
      dancer: null,
      battery: h.batteryPercent ?? null,
      state: h.state,
      lastSampleAgeS: h.lastSampleAt ? Math.round((Date.now() - h.lastSampleAt) / 100) / 10 : null,
      errors: h.errors ?? {},
    });
  }
  return { rows, live: live !== undefined };
}

export function renderDevices(result: { rows: DeviceRow[]; live: boolean }): string {
  const table = new Table({
    head: ['device', 'transport', 'model', 'dancer', 'battery', 'state', 'last sample', 'errors'],
    style: { head: [], border: [] },
  });
  for (const r of result.rows) {
    const errors = Object.entries(r.errors)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    table.push([
      r.key,
      r.transport,
      r.model,
      r.dancer ?? '',
      r.battery === null ? '' : `${r.battery} %`,
      r.state ?? (result.live ? 'not seen' : '?'),
      r.lastSampleAgeS === null ? '' : `${r.lastSampleAgeS} s ago`,
      errors,
    ]);
  }
  const note = result.live ? '' : 'daemon not reachable: showing stored devices only (state unknown)\n';
  return `${result.rows.length === 0 ? 'no devices known yet\n' : `${table.toString()}\n`}${note}`;
}
