import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` without `{ recursive: true }`: Node's recursive mkdir spins forever on some
 * pseudo-filesystems (seen under /proc), which would hang the daemon's start on a mistyped
 * store.path. Here each missing ancestor is made once, and the first failure is thrown.
 */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing.reverse()) mkdirSync(m);
}
