/**
 * The import arrows of the fixed top level: `daemon/` wires everything; `drivers/` (hardware
 * and I/O) and `sync/` (cloud, MQTT) may use the pure `models/` and the shared `config/`;
 * `models/` reads nothing but `config/`. A file that imports against the arrow fails here.
 */
import { ROOT } from '../helpers/daemon-process.js';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const allowed: Record<string, string[]> = {
  config: ['config'],
  models: ['models', 'config'],
  drivers: ['drivers', 'models', 'config'],
  sync: ['sync', 'models', 'config'],
  daemon: ['daemon', 'drivers', 'models', 'sync', 'config'],
};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.includes('node_modules'))
    .map((f) => join(dir, f));
}

/** Every relative import (static, dynamic or `export … from`) of a file, as a path from the root. */
export function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)];
  return found.map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1]!)));
}

describe('layers', () => {
  for (const [top, may] of Object.entries(allowed)) {
    it(`${top}/ imports only ${may.join(', ')}`, () => {
      const against = sources(top).flatMap((file) =>
        importsOf(file)
          .filter((target) => !may.includes(target.split('/')[0]!))
          .map((target) => `${file} → ${target}`),
      );
      expect(against).toEqual([]);
    });
  }

  it('sees an import against the arrow', () => {
    // The scanner itself: a models file that reached into drivers would be listed.
    expect(importsOf('drivers/media/analyse-song.ts')).toContain('models/music/song-analysis.js');
  });
});
