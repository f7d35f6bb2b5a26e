/**
 * What `codance doctor` checks, each with what to do when it fails. Only checks whose
 * failure stops the daemon are `fatal` (they decide the exit code); the rest are warnings
 * about capabilities the box will run without (no Bluetooth = no real wearables, etc.).
 */
import { getMeta } from '../store/repositories/box-meta.js';
import BetterSqlite3 from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../../config/index.js';
import { ensureDir } from '../store/ensure-dir.js';
import { loadBleBinding, radioCheck } from './bluetooth.js';

const run = promisify(execFile);

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  status: CheckStatus;
  detail: string;
  /** What the technician should do; shown only when status is not ok. */
  fix?: string;
}

export interface Check {
  name: string;
  /** A failure here stops the daemon, so doctor exits non-zero. */
  fatal: boolean;
  run(): Promise<CheckResult>;
}

/** The oldest Node.js the daemon supports (also package.json's engines). */
export const MIN_NODE: [number, number] = [20, 19];

export interface DoctorEnv {
  config: Config;
  /** The minimum Node version the daemon supports. */
  minNode: [number, number];
  nodeVersion: string;
  sysfsRoot: string;
  devRoot: string;
}

const MIN_FREE_FAIL_BYTES = 64 * 1024 * 1024;
const MIN_FREE_WARN_BYTES = 1024 * 1024 * 1024;

function mb(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

async function commandVersion(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run(cmd, args, { timeout: 5000 });
    return stdout.split('\n')[0]?.trim();
  } catch {
    return undefined;
  }
}

/** The checks for the machine this process runs on (the CLI's doctor, the console's, the tests'). */
export function machineDoctorChecks(config: Config): Check[] {
  return doctorChecks({ config, minNode: MIN_NODE, nodeVersion: process.version, sysfsRoot: '/sys', devRoot: '/dev' });
}

export function doctorChecks(env: DoctorEnv): Check[] {
  const storePath = resolve(env.config.store.path);
  const storeDir = dirname(storePath);
  return [
    {
      name: 'node version',
      fatal: true,
      run() {
        const [major = 0, minor = 0] = env.nodeVersion.replace(/^v/, '').split('.').map(Number);
        const [wantMajor, wantMinor] = env.minNode;
        const ok = major > wantMajor || (major === wantMajor && minor >= wantMinor);
        return Promise.resolve(
          ok
            ? { status: 'ok', detail: env.nodeVersion }
            : {
                status: 'fail',
                detail: `${env.nodeVersion} < ${wantMajor}.${wantMinor}`,
                fix: `install Node.js ${wantMajor}.${wantMinor} or newer (Debian: nodejs from NodeSource, or the node tarball)`,
              },
        );
      },
    },
    {
      name: 'store writable',
      fatal: true,
      run() {
        try {
          ensureDir(storeDir);
          accessSync(storeDir, constants.W_OK);
          if (existsSync(storePath)) accessSync(storePath, constants.R_OK | constants.W_OK);
          return Promise.resolve({ status: 'ok', detail: storePath });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? String(err);
          return Promise.resolve({
            status: 'fail',
            detail: `${storePath}: ${code}`,
            fix: `make ${storeDir} writable by the daemon's user (systemd: StateDirectory=codance gives /var/lib/codance), or set store.path`,
          });
        }
      },
    },
    {
      name: 'free disk',
      fatal: true,
      run() {
        try {
          const dir = existsSync(storeDir) ? storeDir : dirname(storeDir);
          const s = statfsSync(dir);
          const free = s.bavail * s.bsize;
          if (free < MIN_FREE_FAIL_BYTES)
            return Promise.resolve({
              status: 'fail',
              detail: `${mb(free)} free at ${dir}`,
              fix: 'free disk space: the store cannot write; back up and prune old sessions (codance db backup)',
            });
          const guard = env.config.store.disk.minFreeBytes;
          if (free < guard)
            return Promise.resolve({
              status: 'warn',
              detail: `${mb(free)} free at ${dir}`,
              fix: `under store.disk.minFreeBytes (${mb(guard)}): the disk guard is shedding raw streams; make room or shorten retention.days`,
            });
          if (free < Math.max(MIN_FREE_WARN_BYTES, 2 * guard))
            return Promise.resolve({
              status: 'warn',
              detail: `${mb(free)} free at ${dir}`,
              fix: `little room left: a night writes ~8 MB per dancer-hour (200 MB an hour for 24 dancers), and below ${mb(guard)} raw streams are shed; make room or shorten retention.days`,
            });
          return Promise.resolve({ status: 'ok', detail: `${mb(free)} free at ${dir}` });
        } catch (err) {
          return Promise.resolve({
            status: 'warn',
            detail: `cannot stat: ${(err as Error).message}`,
            fix: 'check that the store directory exists',
          });
        }
      },
    },
    {
      name: 'ffmpeg',
      fatal: false,
      async run() {
        const v = await commandVersion('ffmpeg', ['-hide_banner', '-version']);
        return v
          ? { status: 'ok', detail: v }
          : {
              status: 'warn',
              detail: 'not found on PATH',
              fix: 'apt-get install ffmpeg (needed for song analysis and video)',
            };
      },
    },
    {
      name: 'onnxruntime',
      fatal: false,
      async run() {
        try {
          const ort = await import('onnxruntime-node');
          const version = (ort as { env?: { versions?: { common?: string } } }).env?.versions?.common;
          return { status: 'ok', detail: `onnxruntime-node ${version ?? ''} loads`.trim() };
        } catch (err) {
          return {
            status: 'warn',
            detail: `does not load: ${(err as Error).message.split('\n')[0]}`,
            fix: 'run npm ci again on this machine (the native library must match its CPU and glibc); models fall back to off',
          };
        }
      },
    },
    {
      name: 'bluetooth binding',
      fatal: false,
      run() {
        const loaded = loadBleBinding();
        if (loaded.ok) return Promise.resolve({ status: 'ok', detail: loaded.detail });
        return Promise.resolve({
          status: env.config.ble.enabled ? 'fail' : 'warn',
          detail: `does not load: ${loaded.detail}`,
          fix: 'run npm ci again on this machine (the HCI socket ships prebuilt for Linux x64, arm64 and arm; elsewhere it builds with make and g++); until then no wearable can be read',
        });
      },
    },
    {
      name: 'bluetooth adapter',
      fatal: false,
      run() {
        return Promise.resolve(radioCheck(env));
      },
    },
    {
      name: 'serial ports',
      fatal: false,
      async run() {
        try {
          const { SerialPort } = await import('serialport');
          const ports = await SerialPort.list();
          return ports.length > 0
            ? { status: 'ok', detail: ports.map((p) => p.path).join(', ') }
            : {
                status: 'warn',
                detail: 'none found',
                fix: 'plug in the haptic controller; check `dmesg` and that systemd/99-codance-serial.rules is installed',
              };
        } catch (err) {
          const message = (err as Error).message;
          // serialport lists Linux ports through udevadm; minimal images lack it.
          const fix = /udevadm/.test(message)
            ? 'apt-get install udev (serial ports are listed through udevadm)'
            : 'run npm ci again (serialport native binding)';
          return { status: 'warn', detail: `cannot list: ${message}`, fix };
        }
      },
    },
    {
      name: 'ALSA MIDI',
      fatal: false,
      run() {
        const seq = `${env.devRoot}/snd/seq`;
        return Promise.resolve(
          existsSync(seq)
            ? { status: 'ok', detail: seq }
            : {
                status: 'warn',
                detail: `${seq} missing`,
                fix: 'load the ALSA sequencer (modprobe snd-seq) or attach a USB MIDI interface; MIDI output is off until then',
              },
        );
      },
    },
    {
      name: 'cloud sync',
      fatal: false,
      async run() {
        if (!env.config.sync.enabled)
          return { status: 'ok', detail: 'off (sync.enabled: false); the outbox keeps filling' };
        const fix = 'codance sync enrol --cloud URL --code CODE (a one-time code from your organisation admin)';
        if (!existsSync(storePath)) return { status: 'warn', detail: 'not enrolled (no store yet)', fix };
        let url: string | undefined;
        try {
          const db = new BetterSqlite3(storePath, { readonly: true, fileMustExist: true });
          try {
            url = getMeta(db, 'cloud_url');
          } finally {
            db.close();
          }
        } catch (err) {
          return {
            status: 'warn',
            detail: `cannot read ${storePath}: ${(err as Error).message}`,
            fix: 'run codance db migrate, then enrol',
          };
        }
        if (!url) return { status: 'warn', detail: 'not enrolled: sessions stay on this box', fix };
        try {
          const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(3000) });
          return res.ok
            ? { status: 'ok', detail: `enrolled at ${url}, reachable` }
            : {
                status: 'warn',
                detail: `enrolled at ${url}, which answers ${res.status}`,
                fix: 'check the cloud; the box keeps every session and syncs when it answers',
              };
        } catch (err) {
          return {
            status: 'warn',
            detail: `enrolled at ${url}, unreachable now (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message})`,
            fix: 'check the uplink (DNS, firewall, proxy); the box keeps every session and syncs when it is back',
          };
        }
      },
    },
    {
      name: 'clock sync',
      fatal: false,
      async run() {
        const synced = await commandVersion('timedatectl', ['show', '-p', 'NTPSynchronized', '--value']);
        if (synced === 'yes') return { status: 'ok', detail: 'NTP synchronized' };
        if (existsSync('/run/systemd/timesync/synchronized'))
          return { status: 'ok', detail: 'systemd-timesyncd synchronized' };
        const chrony = await commandVersion('chronyc', ['-n', 'tracking']);
        if (chrony && !/not synchronised/i.test(chrony)) return { status: 'ok', detail: 'chrony tracking' };
        return {
          status: 'warn',
          detail: synced === 'no' ? 'NTP not synchronized' : 'unknown (no timedatectl/chrony answer)',
          fix: 'enable time sync (timedatectl set-ntp true) so session times line up with the cloud and other boxes',
        };
      },
    },
  ];
}
