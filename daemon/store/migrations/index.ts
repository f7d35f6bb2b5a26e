/** Every migration in order of its ISO-date name. Add new ones here; never edit old ones. */
import type { Migration } from 'kysely';
import * as initial from './2026-11-22T00-00-00-initial.js';
import * as auth from './2026-11-22T01-00-00-auth.js';
import * as inference from './2026-11-22T02-00-00-inference.js';
import * as songs from './2026-11-22T03-00-00-songs.js';
import * as sync from './2026-11-22T04-00-00-sync.js';
import * as choreography from './2026-11-22T05-00-00-choreography.js';
import * as slots from './2026-11-30T00-00-00-slots.js';
import * as dataRights from './2026-11-30T01-00-00-data-rights.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22T00-00-00-initial': initial,
  '2026-11-22T01-00-00-auth': auth,
  '2026-11-22T02-00-00-inference': inference,
  '2026-11-22T03-00-00-songs': songs,
  '2026-11-22T04-00-00-sync': sync,
  '2026-11-22T05-00-00-choreography': choreography,
  '2026-11-30T00-00-00-slots': slots,
  '2026-11-30T01-00-00-data-rights': dataRights,
};
