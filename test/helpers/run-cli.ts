import { spawnSync } from 'node:child_process';
import { CLI, ROOT } from './daemon-process.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `codance ARGS` from dist/ with a clean environment plus `env`. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = ROOT, input?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
