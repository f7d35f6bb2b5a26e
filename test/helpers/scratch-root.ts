/**
 * One scratch root per run: every temporary directory the tests and benches make (stores with
 * their 32 MB reserve file, peer configs, captures) lives under it, and it is removed when the
 * run ends, so repeated runs never fill the disk. It works through TMPDIR, which os.tmpdir(),
 * mktemp and the peers (Chromium, PostgreSQL's socket dir) all read, and which children inherit.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Points TMPDIR at a fresh root and returns the function that removes it. */
export function scratchRoot(prefix: string): () => void {
  const root = mkdtempSync(join(tmpdir(), prefix));
  // Peers that run as their own user (postgres, mosquitto) must reach their dirs inside it, as in /tmp.
  chmodSync(root, 0o1777);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}

/** For a script: the root goes when the process exits, also on Ctrl-C or SIGTERM. */
export function scratchRootForScript(prefix: string): void {
  const remove = scratchRoot(prefix);
  process.once('exit', remove);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
}

/** vitest globalSetup: runs before the test processes fork, so they inherit TMPDIR. */
export default function setup(): () => void {
  return scratchRoot('codance-test-');
}
