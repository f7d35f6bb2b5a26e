/** `codance users create`: the way the first admin comes to exist (the API has no anonymous admin creation). */
import type { Kysely } from 'kysely';
import { roles, type Role } from '../api/access.js';
import { createUser } from '../api/auth/users.js';
import { ApiError } from '../api/errors.js';
import { createUserIn } from '../api/schemas/users.js';
import { Sql } from '../store/sql.js';
import { openDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';

export interface CreateUserOptions {
  username: string;
  email: string;
  role: Role;
  password: string;
}

export class UsageError extends Error {}

/** Reads a password from stdin: the first line, without its line ending (so `echo pw |` works). */
export async function readPasswordFromStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.length > 4096) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export function roleFrom(opts: { admin?: boolean; role?: string }): Role {
  if (opts.admin) return 'admin';
  const role = opts.role ?? 'dancer';
  if (!(roles as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
  return role as Role;
}

export async function createUserCommand(
  storePath: string,
  opts: CreateUserOptions,
): Promise<{ id: number; path: string }> {
  const parsed = createUserIn.safeParse({
    username: opts.username,
    email: opts.email,
    password: opts.password,
    role: opts.role,
  });
  if (!parsed.success) {
    const flag: Record<string, string> = {
      username: '--username',
      email: '--email',
      password: 'the password on stdin',
    };
    throw new UsageError(
      parsed.error.issues.map((i) => `${flag[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('; '),
    );
  }
  const opened = openDatabase(storePath);
  try {
    await migrateToLatest(opened.db as Kysely<unknown>);
    const sql = new Sql(opened.sqlite, opened.db, Date.now);
    const id = await createUser(sql, parsed.data);
    return { id, path: opened.path };
  } catch (err) {
    if (err instanceof ApiError) throw new Error(err.message);
    throw err;
  } finally {
    await opened.close();
  }
}
