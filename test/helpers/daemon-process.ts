/** Runs the built daemon (dist/) as a real child process, as systemd or `npm start` would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/daemon/cli/main.js');

export function tempDir(prefix = 'codance-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A free TCP port on loopback (bound and released, so two tests never collide). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface DaemonProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

export function startDaemon(opts: {
  args?: string[];
  env?: Record<string, string>;
  port: number;
  cwd?: string;
}): DaemonProcess {
  const child = spawn(process.execPath, [CLI, 'daemon', ...(opts.args ?? [])], {
    cwd: opts.cwd ?? ROOT,
    // OSC in, OSCQuery and mDNS off unless a test asks: parallel daemons must not fight over ports or multicast.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      CODANCE_HTTP__PORT: String(opts.port),
      CODANCE_LOG__LEVEL: 'info',
      CODANCE_OSC__IN__PORT: '0',
      CODANCE_OSC__QUERY__PORT: '0',
      CODANCE_OSC__QUERY__MDNS: 'false',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal, atMs: performance.now() })),
  );
  return { child, port: opts.port, output: () => out, exited };
}

/** Polls /health until it answers 200 or the deadline passes; returns the JSON and how long it took. */
export async function waitForHealth(port: number, timeoutMs = 15_000): Promise<{ body: unknown; ms: number }> {
  const started = performance.now();
  let lastErr: unknown;
  while (performance.now() - started < timeoutMs) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) return { body: await res.json(), ms: performance.now() - started };
      lastErr = new Error(`status ${res.status}`);
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`daemon did not serve /health within ${timeoutMs} ms: ${String(lastErr)}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
