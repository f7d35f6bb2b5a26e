/**
 * `codance users export | erase | consents` and `codance access-log`: a dancer's rights from
 * the shell, on the store the daemon uses (safe while it runs). An erasure waits out the
 * daemon's caches of who wears which band (daemon/privacy/erase.ts) before deleting.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { eraseDancer } from '../privacy/erase.js';
import { dancerArchive } from '../privacy/export-archive.js';
import { listAccess, logAccess } from '../store/repositories/access-log.js';
import { getMeta } from '../store/repositories/box-meta.js';
import { consentHistory } from '../store/repositories/consent-history.js';
import { activeAdminCount, findAccount } from '../store/repositories/users.js';
import type { Sql } from '../store/sql.js';
import { withStore } from './store-session.js';
import { UsageError } from './users.js';

/** Who acts from the shell: the system account running the command. */
const shellActor = () => ({ id: null, username: `cli:${userInfo().username}`, role: 'technician' });

function account(sql: Sql, name: string) {
  const row = findAccount(sql, name);
  if (!row) throw new UsageError(`no account "${name}" (give a username, an email or an id; see codance users list)`);
  return row;
}

export function exportUser(
  storePath: string,
  name: string,
  out: string,
  boxName: string,
): Promise<{ username: string; bytes: number }> {
  return withStore(
    storePath,
    async (sql) => {
      const user = account(sql, name);
      const archive = dancerArchive(sql, {
        box: { id: getMeta(sql.sqlite, 'box_id') ?? '', name: boxName },
        userId: user.id,
      })!;
      logAccess(sql, {
        actor: shellActor(),
        subjectId: user.id,
        action: 'export',
        detail: { format: 'zip', via: 'cli' },
      });
      // Written beside the target and renamed: the file at OUT is always a whole archive.
      const partial = `${out}.partial`;
      const file = createWriteStream(partial);
      try {
        await pipeline(archive, file);
        renameSync(partial, out);
      } catch (err) {
        rmSync(partial, { force: true });
        throw err;
      }
      return { username: user.username, bytes: file.bytesWritten };
    },
    { mustExist: true },
  );
}

export function eraseUser(storePath: string, name: string) {
  return withStore(
    storePath,
    async (sql) => {
      const user = account(sql, name);
      if (user.role === 'admin' && user.is_active === 1 && activeAdminCount(sql) <= 1)
        throw new UsageError(`"${user.username}" is the last active admin; make another admin first`);
      const done = await eraseDancer(sql, user.id, { id: null, role: 'technician', via: `cli:${userInfo().username}` });
      return { username: user.username, id: user.id, ...done };
    },
    { mustExist: true },
  );
}

export function consentsOf(storePath: string, name: string) {
  return withStore(storePath, (sql) => consentHistory(sql, account(sql, name).id), { mustExist: true });
}

export function accessLog(storePath: string, name: string | undefined, limit: number) {
  return withStore(
    storePath,
    (sql) => listAccess(sql, { subjectId: name === undefined ? undefined : account(sql, name).id, limit }),
    { mustExist: true },
  );
}
