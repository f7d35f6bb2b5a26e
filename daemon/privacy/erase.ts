/**
 * Carrying out a dancer's erasure (daemon/store/repositories/erasures.ts has the steps): the
 * readings go a slice at a time, yielding between slices so the API, the console and the
 * store's writes go on while a year of data is deleted.
 */
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { CONSENT_TTL_MS } from '../store/consent-gate.js';
import { OWNER_TTL_MS } from '../store/devices.js';
import {
  beginErasure,
  eraseSlice,
  finishErasure,
  unfinishedErasures,
  type Erased,
  type Requester,
  type WornInterval,
} from '../store/repositories/erasures.js';
import type { Sql } from '../store/sql.js';

/** Rows per transaction: at most ~20 ms each on the box (npm run bench -- export). */
const SLICE = 2000;
/**
 * The write path caches who wears a band (and their consent) for up to these TTLs, in this
 * process or in a daemon running beside a CLI erasure. Past them, nothing more is written
 * under the dancer's id, so the slices find everything and deleting the account cannot break
 * a later write's foreign key.
 */
export const SETTLE_MS = Math.max(OWNER_TTL_MS, CONSENT_TTL_MS) + 250;

export interface ErasureResult {
  erasure: number;
  erased: Erased;
}

export async function eraseDancer(sql: Sql, subjectId: number, by: Requester): Promise<ErasureResult> {
  const { id, devices } = beginErasure(sql, subjectId, by);
  await sleep(SETTLE_MS);
  return { erasure: id, erased: await complete(sql, id, subjectId, devices, {}) };
}

/** Completes erasures a stopped box left halfway; returns how many. */
export async function resumeErasures(sql: Sql): Promise<number> {
  const open = unfinishedErasures(sql);
  for (const e of open)
    await complete(sql, e.id, e.subject_id, JSON.parse(e.devices) as WornInterval[], JSON.parse(e.erased) as Erased);
  return open.length;
}

async function complete(
  sql: Sql,
  id: number,
  subjectId: number,
  devices: WornInterval[],
  erased: Erased,
): Promise<Erased> {
  for (;;) {
    const slice = eraseSlice(sql, subjectId, devices, SLICE);
    if (!slice) break;
    erased[slice.table] = (erased[slice.table] ?? 0) + slice.deleted;
    await yieldToLoop();
  }
  return finishErasure(sql, id, subjectId, erased);
}
