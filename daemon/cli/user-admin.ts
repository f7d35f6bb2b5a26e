/**
 * `codance users list | set-password | disable | enable | set-role`: the technician's way to
 * manage accounts from the shell, on the same store the daemon uses (safe while it runs: one
 * short transaction each, through the repositories, so every change reaches the outbox and
 * syncs like an API change). The rules are the API's: the last active admin cannot be disabled
 * or demoted, and a new password or a disabled account ends every login of that account.
 */
import type { Role } from '../api/access.js';
import { hashPassword } from '../api/auth/passwords.js';
import { createUserIn } from '../api/schemas/users.js';
import { revokeUserTokens } from '../store/repositories/refresh-tokens.js';
import { activeAdminCount, findAccount, listAccounts, updateUser } from '../store/repositories/users.js';
import type { Sql } from '../store/sql.js';
import { withStore } from './store-session.js';
import { UsageError } from './users.js';

export interface UserLine {
  id: number;
  username: string;
  email: string;
  role: string;
  active: boolean;
  createdAt: number;
}

/** The store as the daemon made it: these commands never create one. */
const onStore = <T>(storePath: string, fn: (sql: Sql) => T): Promise<T> =>
  withStore(storePath, fn, { mustExist: true });

/** The account a command names, by username, email or id; a UsageError naming it when there is none. */
function account(sql: Sql, name: string): { id: number; username: string; role: string; is_active: number } {
  const row = findAccount(sql, name);
  if (!row) throw new UsageError(`no account "${name}" (give a username, an email or an id; see codance users list)`);
  return row;
}

export function listUsers(storePath: string): Promise<UserLine[]> {
  return onStore(storePath, (sql) =>
    listAccounts(sql).map((r) => ({
      id: r.id,
      username: r.username,
      email: r.email,
      role: r.role,
      active: r.is_active === 1,
      createdAt: r.created_at,
    })),
  );
}

export function checkPassword(password: string): string {
  const parsed = createUserIn.shape.password.safeParse(password);
  if (!parsed.success) throw new UsageError(`the password on stdin ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

export async function setPassword(storePath: string, name: string, password: string): Promise<string> {
  const hash = await hashPassword(checkPassword(password));
  return onStore(storePath, (sql) => {
    const user = account(sql, name);
    sql.tx(() => {
      updateUser(sql, user.id, { password_hash: hash, updated_at: sql.now() });
      revokeUserTokens(sql, user.id, sql.now());
    });
    return user.username;
  });
}

/** Refuses (UsageError) to leave the box without an active admin. */
function keepAnAdmin(sql: Sql, user: { role: string; is_active: number }, what: string): void {
  if (user.role === 'admin' && user.is_active === 1 && activeAdminCount(sql) <= 1)
    throw new UsageError(`${what}: this is the last active admin; make another admin first`);
}

export function setActive(storePath: string, name: string, active: boolean): Promise<string> {
  return onStore(storePath, (sql) => {
    const user = account(sql, name);
    sql.tx(() => {
      if (!active) keepAnAdmin(sql, user, `cannot disable "${user.username}"`);
      updateUser(sql, user.id, { is_active: active ? 1 : 0, updated_at: sql.now() });
      if (!active) revokeUserTokens(sql, user.id, sql.now());
    });
    return user.username;
  });
}

export function setRole(storePath: string, name: string, role: Role): Promise<{ username: string; from: string }> {
  return onStore(storePath, (sql) => {
    const user = account(sql, name);
    sql.tx(() => {
      if (role !== 'admin') keepAnAdmin(sql, user, `cannot make "${user.username}" ${role}`);
      updateUser(sql, user.id, { role, updated_at: sql.now() });
    });
    return { username: user.username, from: user.role };
  });
}
