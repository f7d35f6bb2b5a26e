/** Accounts: looked up to log in and authenticate, created, changed and deleted with their outbox entries. */
import type { Insertable, Updateable } from 'kysely';
import type { UsersTable } from '../schema.js';
import type { Sql } from '../sql.js';
import { deleteRecord, insertRecord, updateRecord } from './records.js';

export const insertUser = (sql: Sql, values: Insertable<UsersTable>): number => insertRecord(sql, 'users', values);

export const updateUser = (sql: Sql, id: number, set: Updateable<UsersTable>): void =>
  updateRecord(sql, 'users', id, set);

/** Deletes an account; what was recorded about them goes with it (the schema cascades). */
export const deleteUser = (sql: Sql, id: number): boolean => deleteRecord(sql, 'users', id);

/** Is `field` = `value` taken by an account other than `exceptId`? */
export function nameTaken(sql: Sql, field: 'username' | 'email', value: string, exceptId = 0): boolean {
  return (
    sql.first(sql.db.selectFrom('users').select('id').where(field, '=', value).where('id', '!=', exceptId)) !==
    undefined
  );
}

export function activeAdminCount(sql: Sql): number {
  const row = sql.first(
    sql.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('is_active', '=', 1),
  );
  return row?.n ?? 0;
}

/** The account a login names, by username or email. */
export function loginAccount(sql: Sql, name: string) {
  return sql.first(
    sql.db
      .selectFrom('users')
      .select(['id', 'role', 'password_hash', 'is_active'])
      .where((eb) => eb.or([eb('username', '=', name), eb('email', '=', name)])),
  );
}

/** An active account by id (a disabled or deleted one is undefined). */
export function activeUser(sql: Sql, id: number) {
  return sql.first(
    sql.db.selectFrom('users').select(['id', 'username', 'role']).where('id', '=', id).where('is_active', '=', 1),
  );
}

/** An account a technician names on the command line: by username, email or id. */
export function findAccount(sql: Sql, name: string) {
  const byId = /^\d+$/.test(name) ? Number(name) : -1;
  return sql.first(
    sql.db
      .selectFrom('users')
      .select(['id', 'username', 'role', 'is_active'])
      .where((eb) => eb.or([eb('username', '=', name), eb('email', '=', name), eb('id', '=', byId)])),
  );
}

/** Every account, oldest first, without its password hash. */
export function listAccounts(sql: Sql) {
  return sql.all(
    sql.db.selectFrom('users').select(['id', 'username', 'email', 'role', 'is_active', 'created_at']).orderBy('id'),
  );
}
