/**
 * The shared third-party recordings, read through the same path setting the box uses
 * (`data.path`, env CODANCE_DATA__PATH, default ../shared/data). Tests that need them say
 * why they are skipped when the folder is absent; CI always has it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const dataPath = resolve(process.env.CODANCE_DATA__PATH ?? '../shared/data');
export const hasData = existsSync(resolve(dataPath, 'README.md'));
export const noDataReason = `shared data not found at ${dataPath} (set CODANCE_DATA__PATH)`;

export function dataFile(...parts: string[]): string {
  return resolve(dataPath, ...parts);
}

export function readJsonl<T>(...parts: string[]): T[] {
  return readFileSync(dataFile(...parts), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}
