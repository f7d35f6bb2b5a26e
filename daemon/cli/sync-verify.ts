/**
 * `codance sync verify`: does the cloud hold exactly this box's records? On a box in service the
 * daemon writes and syncs all the while, so the comparison is made up to a watermark: the
 * outbox position when verify starts. The box's checksums are taken at that position, verify
 * waits (bounded) for the daemon's sync to be acknowledged up to it, and asks the cloud for its
 * checksums over the same positions. What was written after the watermark is reported as how
 * far the cloud is behind now, not as a difference. A table that differs is compared again at a
 * new watermark (a record changed after the first one reads as a difference once).
 */
import type { Config } from '../../config/index.js';
import { entitiesOf, tableChecksums, type TableChecksums } from '../../sync/contract.js';
import { SyncCommandError, openStore } from './sync.js';

export interface VerifyRow {
  table: string;
  box: number;
  cloud: number;
  same: boolean;
}

export interface VerifyResult {
  same: boolean;
  rows: VerifyRow[];
  /** The outbox position compared up to. */
  watermark: number;
  /** Entries up to the watermark the cloud had not acknowledged when the wait ended. */
  unsentAtWatermark: number;
  /** Entries the cloud has not acknowledged now (written after the watermark, mostly). */
  behindNow: number;
}

const ATTEMPTS = 3;

export async function verify(config: Config, waitS = 30): Promise<VerifyResult> {
  const { opened, outbox, boxId } = await openStore(config);
  try {
    const cred = outbox.credential();
    if (!cred) throw new SyncCommandError('this box is not enrolled: codance sync enrol --cloud URL --code CODE');
    const entities = entitiesOf(config.sync.classes);
    let result: VerifyResult | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS && !result?.same; attempt++) {
      // One read transaction: the watermark and the checksums describe the same snapshot.
      const { watermark, local } = opened.sqlite.transaction(() => {
        const w = outbox.lastSeq();
        return { watermark: w, local: outbox.checksums(entities, w) };
      })();
      const deadline = Date.now() + waitS * 1000;
      let unsent = outbox.unsentUpTo(entities, watermark);
      while (unsent > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        unsent = outbox.unsentUpTo(entities, watermark);
      }
      const remote = await cloudChecksums(cred, boxId, watermark);
      const rows = compare(local, remote);
      result = {
        same: rows.every((r) => r.same),
        rows,
        watermark,
        unsentAtWatermark: unsent,
        behindNow: outbox.backlog(entities, outbox.cursors()).entries,
      };
      // Not acknowledged in time: another attempt would wait the same way.
      if (unsent > 0) break;
    }
    return result!;
  } finally {
    await opened.close();
  }
}

async function cloudChecksums(
  cred: { url: string; token: string },
  boxId: string,
  upTo: number,
): Promise<TableChecksums> {
  const url = new URL(`/api/v1/boxes/${boxId}/checksums`, cred.url);
  url.searchParams.set('up_to', String(upTo));
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${cred.token}` },
    signal: AbortSignal.timeout(60_000),
  }).catch((err: unknown) => {
    throw new SyncCommandError(`cannot reach ${cred.url}: ${(err as Error).message}`);
  });
  if (!res.ok) throw new SyncCommandError(`the cloud answered ${res.status}: ${await res.text()}`);
  return tableChecksums.parse(await res.json());
}

function compare(local: TableChecksums, remote: TableChecksums): VerifyRow[] {
  const tables = [...new Set([...Object.keys(local), ...Object.keys(remote)])].sort();
  return tables
    .map((table) => ({
      table,
      box: local[table]?.count ?? 0,
      cloud: remote[table]?.count ?? 0,
      same:
        (local[table]?.sha256 ?? '') === (remote[table]?.sha256 ?? '') ||
        ((local[table]?.count ?? 0) === 0 && (remote[table]?.count ?? 0) === 0),
    }))
    .filter((r) => r.box > 0 || r.cloud > 0);
}
