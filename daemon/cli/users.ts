/** `codance users create`: the way the first admin comes to exist (the API has no anonymous admin creation). */
import { roles, type Role } from '../api/access.js';
import { createUser } from '../api/auth/users.js';
import { ApiError } from '../api/errors.js';
import { createUserIn } from '../api/schemas/users.js';
import { withStore } from './store-session.js';

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

/** A role named on the command line (`what`: how the message names it). */
export function parseRole(text: string, what = 'role'): Role {
  if (!(roles as readonly string[]).includes(text)) throw new UsageError(`${what} must be one of ${roles.join(', ')}`);
  return text as Role;
}

export function roleFrom(opts: { admin?: boolean; role?: string }): Role {
  return opts.admin ? 'admin' : parseRole(opts.role ?? 'dancer', '--role');
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
  try {
    return await withStore(storePath, async (sql, path) => ({
      id: await createUser(sql, { ...parsed.data, consentGiven: { by: null, via: 'cli' } }),
      path,
    }));
  } catch (err) {
    if (err instanceof ApiError) throw new Error(err.message);
    throw err;
  }
}
