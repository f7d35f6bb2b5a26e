/**
 * Doctor's two Bluetooth questions, kept apart because they have different fixes: does the
 * BLE binding load on this machine (a build problem: npm ci), and are the radios the config
 * names present (a hardware problem: plug the dongle in)?
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { configuredAdapters } from '../../drivers/ble/radio/radios.js';
import type { CheckResult, DoctorEnv } from './checks.js';

/** Loads noble and both HCI transports (the native socket and the UART driver) without opening anything. */
export function loadBleBinding(): { ok: boolean; detail: string } {
  const require = createRequire(import.meta.url);
  try {
    const socket = require('@stoprocent/bluetooth-hci-socket') as { loadDriver(kind: string): unknown };
    socket.loadDriver('native');
    socket.loadDriver('uart');
    require('@stoprocent/noble');
    const { version } = require('@stoprocent/noble/package.json') as { version: string };
    return { ok: true, detail: `@stoprocent/noble ${version}: HCI socket and UART drivers load` };
  } catch (err) {
    return { ok: false, detail: (err as Error).message.split('\n')[0]!.slice(0, 200) };
  }
}

export function radioCheck(env: Pick<DoctorEnv, 'config' | 'sysfsRoot'>): CheckResult {
  const dir = `${env.sysfsRoot}/class/bluetooth`;
  const present = existsSync(dir) ? readdirSync(dir).filter((n) => /^hci\d+$/.test(n)) : [];
  if (!env.config.ble.enabled) {
    return present.length > 0
      ? { status: 'ok', detail: `${present.join(', ')} (ble.enabled is false)` }
      : {
          status: 'warn',
          detail: 'no HCI adapter',
          fix: 'plug in a Bluetooth LE adapter or an HCI UART radio (or enable the onboard one: rfkill unblock bluetooth); without it only simulated and serial devices work',
        };
  }
  const missing: string[] = [];
  const found: string[] = [];
  for (const a of configuredAdapters(env.config.ble)) {
    const where = a.transport === 'socket' ? `hci${a.device}` : a.path;
    const here = a.transport === 'socket' ? present.includes(where) : existsSync(a.path);
    (here ? found : missing).push(a.name === where ? where : `${a.name}: ${where}`);
  }
  if (missing.length === 0) return { status: 'ok', detail: found.join(', ') };
  return {
    status: 'warn',
    detail: `missing ${missing.join(', ')}${found.length > 0 ? `; present ${found.join(', ')}` : ''}`,
    fix: 'plug the radio in (UART dongles: ls -l /dev/serial/by-id; HCI adapters: ls /sys/class/bluetooth), or fix ble.adapters; the wearables on a missing radio wait for it',
  };
}
