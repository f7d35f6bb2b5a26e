/** The song library: audio with its analysis, by id or content hash. */
import type { Insertable } from 'kysely';
import type { SongsTable } from '../schema-music.js';
import type { Sql } from '../sql.js';
import { deleteRecord, insertRecord, updateRecord } from './records.js';

type SongColumn = keyof SongsTable;

/** The given columns of one song (leave out `data` unless the audio itself is wanted). */
export function songRow<C extends SongColumn>(sql: Sql, id: number, columns: readonly C[]) {
  return sql.first(sql.db.selectFrom('songs').select(columns).where('id', '=', id));
}

/** What playing a song needs besides the audio, which `songAudio` reads only when the cache lacks it. */
export function songToPlay(sql: Sql, id: number) {
  return songRow(sql, id, ['id', 'title', 'sha256', 'mime_type', 'analysis']);
}

export function songAudio(sql: Sql, id: number): Buffer {
  return songRow(sql, id, ['data'])!.data;
}

export function songIdByHash(sql: Sql, sha256: string): number | undefined {
  return sql.first(sql.db.selectFrom('songs').select('id').where('sha256', '=', sha256))?.id;
}

export const insertSong = (sql: Sql, values: Insertable<SongsTable>): number => insertRecord(sql, 'songs', values);

/** False when there was no such song. */
export const deleteSong = (sql: Sql, id: number): boolean => deleteRecord(sql, 'songs', id);

/** A new analysis of the same audio (another count), queued for the cloud like any change. */
export const updateSongAnalysis = (sql: Sql, id: number, tempo: number | null, analysis: string): void =>
  updateRecord(sql, 'songs', id, { tempo, analysis, updated_at: sql.now() });
