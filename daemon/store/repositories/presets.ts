/** Sound and visualization presets stored through the API (the config file's presets are not here). */
import type BetterSqlite3 from 'better-sqlite3';

export type PresetKind = 'sound' | 'visualization';
export interface PresetRow {
  name: string;
  /** JSON; the rules are in its `rules`. */
  parameters: string;
}

/** The table is chosen from a closed set, never from input. */
const table = (kind: PresetKind) => (kind === 'sound' ? 'sound_presets' : 'visualization_presets');

export function storedPresets(sqlite: BetterSqlite3.Database, kind: PresetKind): PresetRow[] {
  return sqlite.prepare(`SELECT name, parameters FROM ${table(kind)} ORDER BY name`).all() as PresetRow[];
}

/** The first stored preset of that name (names are not unique in the table). */
export function storedPreset(sqlite: BetterSqlite3.Database, kind: PresetKind, name: string): PresetRow | undefined {
  return sqlite.prepare(`SELECT name, parameters FROM ${table(kind)} WHERE name = ? ORDER BY id LIMIT 1`).get(name) as
    PresetRow | undefined;
}
