/** `codance users …`: accounts of the local API, from the shell (works whether or not the daemon runs). */
import type { Command } from 'commander';
import { EXIT_CONFIG, guarded, withConfig } from './options.js';

/** Runs a users command; a usage problem (no such account, a bad role, the last admin) exits 2 with its message. */
const usersAction = (name: string, run: () => Promise<void>): Promise<void> =>
  guarded(`users ${name}`, () => import('./users.js').then((m) => m.UsageError), EXIT_CONFIG, run);

const PASSWORD_STDIN_REQUIRED =
  '--password-stdin is required (a password on the command line would end up in shell history and ps)';

export function addUsersCommands(program: Command): void {
  const users = program.command('users').description('accounts of the local API');
  users
    .command('create')
    .description(
      'create a user (the first admin: --admin); the password is read from stdin, never from the command line',
    )
    .requiredOption('--username <name>', 'login name (3-50 letters, digits, ".", "_" or "-")')
    .requiredOption('--email <address>', 'email address')
    .option('--admin', 'make an admin (same as --role admin)')
    .option('--role <role>', 'admin, technician or dancer', 'dancer')
    .option('--password-stdin', 'read the password from the first line of stdin (required)')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(
      async (opts: {
        username: string;
        email: string;
        admin?: boolean;
        role?: string;
        passwordStdin?: boolean;
        config?: string;
      }) => {
        const cfg = withConfig(opts.config);
        const { createUserCommand, readPasswordFromStdin, roleFrom, UsageError } = await import('./users.js');
        await usersAction('create', async () => {
          if (!opts.passwordStdin) throw new UsageError(PASSWORD_STDIN_REQUIRED);
          const role = roleFrom(opts);
          const password = await readPasswordFromStdin();
          const { id, path } = await createUserCommand(cfg.store.path, {
            username: opts.username,
            email: opts.email,
            role,
            password,
          });
          console.log(`created ${role} "${opts.username}" (id ${id}) in ${path}`);
        });
      },
    );

  users
    .command('list')
    .description('list the accounts: id, username, email, role, active or disabled, created')
    .option('--json', 'one JSON array instead of a table')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { json?: boolean; config?: string }) => {
      const cfg = withConfig(opts.config);
      const { listUsers } = await import('./user-admin.js');
      const list = await listUsers(cfg.store.path);
      if (opts.json) return console.log(JSON.stringify(list, null, 2));
      if (list.length === 0) return console.log('no accounts yet: codance users create --admin … makes the first');
      const rows = list.map((u) => [
        String(u.id),
        u.username,
        u.email,
        u.role,
        u.active ? 'active' : 'disabled',
        new Date(u.createdAt).toISOString().slice(0, 16).replace('T', ' '),
      ]);
      const head = ['ID', 'USERNAME', 'EMAIL', 'ROLE', 'STATE', 'CREATED (UTC)'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [head, ...rows])
        console.log(
          r
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd(),
        );
    });

  users
    .command('set-password')
    .description("set an account's password (read from stdin) and end all its logins")
    .argument('<user>', 'username, email or id')
    .option('--password-stdin', 'read the password from the first line of stdin (required)')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (user: string, opts: { passwordStdin?: boolean; config?: string }) => {
      const cfg = withConfig(opts.config);
      const { readPasswordFromStdin, UsageError } = await import('./users.js');
      const { setPassword } = await import('./user-admin.js');
      await usersAction('set-password', async () => {
        if (!opts.passwordStdin) throw new UsageError(PASSWORD_STDIN_REQUIRED);
        const name = await setPassword(cfg.store.path, user, await readPasswordFromStdin());
        console.log(`password of "${name}" set; its other logins are ended`);
      });
    });

  for (const [command, active] of [
    ['disable', false],
    ['enable', true],
  ] as const)
    users
      .command(command)
      .description(
        active ? 'let a disabled account log in again' : 'stop an account from logging in, ending its logins at once',
      )
      .argument('<user>', 'username, email or id')
      .option('-c, --config <file>', 'YAML configuration file')
      .action(async (user: string, opts: { config?: string }) => {
        const cfg = withConfig(opts.config);
        const { setActive } = await import('./user-admin.js');
        await usersAction(command, async () => {
          const name = await setActive(cfg.store.path, user, active);
          console.log(`"${name}" ${active ? 'enabled' : 'disabled'}`);
        });
      });

  users
    .command('set-role')
    .description("change an account's role")
    .argument('<user>', 'username, email or id')
    .argument('<role>', 'admin, technician or dancer')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (user: string, role: string, opts: { config?: string }) => {
      const cfg = withConfig(opts.config);
      const { parseRole } = await import('./users.js');
      const { setRole } = await import('./user-admin.js');
      await usersAction('set-role', async () => {
        const to = parseRole(role);
        const { username, from } = await setRole(cfg.store.path, user, to);
        console.log(from === to ? `"${username}" is already ${to}` : `"${username}" is now ${to} (was ${from})`);
      });
    });

  users
    .command('export')
    .description('write everything the box holds of a dancer to one ZIP archive (JSON, CSV, a README inside)')
    .argument('<user>', 'username, email or id')
    .requiredOption('-o, --out <file>', 'the archive to write')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (user: string, opts: { out: string; config?: string }) => {
      const cfg = withConfig(opts.config);
      const { exportUser } = await import('./data-rights.js');
      await usersAction('export', async () => {
        const r = await exportUser(cfg.store.path, user, opts.out, cfg.box.name);
        console.log(`exported "${r.username}" to ${opts.out} (${r.bytes} bytes); the export is in the access log`);
      });
    });

  users
    .command('erase')
    .description('erase a dancer: their account and everything recorded about them, here and (by sync) in the cloud')
    .argument('<user>', 'username, email or id')
    .option('--yes', 'really erase (required: this cannot be undone, except from a backup made before)')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (user: string, opts: { yes?: boolean; config?: string }) => {
      const cfg = withConfig(opts.config);
      const { UsageError } = await import('./users.js');
      const { eraseUser } = await import('./data-rights.js');
      await usersAction('erase', async () => {
        if (!opts.yes) throw new UsageError('--yes is required: an erasure cannot be undone');
        const r = await eraseUser(cfg.store.path, user);
        const rows = Object.entries(r.erased)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ');
        console.log(
          `erased "${r.username}" (id ${r.id}; erasure ${r.erasure}): ${rows || 'no rows besides the account'}`,
        );
        console.log('the cloud deletes its copy when the box next syncs (codance sync status shows the backlog)');
      });
    });

  users
    .command('consents')
    .description("a dancer's consent history: every grant and withdrawal, when, by whom, how")
    .argument('<user>', 'username, email or id')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (user: string, opts: { config?: string }) => {
      const cfg = withConfig(opts.config);
      const { consentsOf } = await import('./data-rights.js');
      await usersAction('consents', async () => {
        for (const c of await consentsOf(cfg.store.path, user))
          console.log(
            `${new Date(c.changed_at).toISOString()}  ${c.consent.padEnd(10)}  ${c.granted ? 'granted ' : 'withdrawn'}  by ${c.changed_by ?? '-'} via ${c.via}`,
          );
      });
    });

  program
    .command('access-log')
    .description("who read dancers' biometrics on this box (console vitals, API reads, exports), newest first")
    .option('--user <user>', 'only reads of this dancer (username, email or id)')
    .option('--limit <n>', 'entries to show', '100')
    .option('--json', 'one JSON array instead of lines')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { user?: string; limit: string; json?: boolean; config?: string }) => {
      const cfg = withConfig(opts.config);
      const { accessLog } = await import('./data-rights.js');
      await usersAction('access-log', async () => {
        const list = await accessLog(
          cfg.store.path,
          opts.user,
          Math.max(1, Math.min(10_000, Number(opts.limit) || 100)),
        );
        if (opts.json) return console.log(JSON.stringify(list, null, 2));
        for (const e of list)
          console.log(
            `${new Date(e.at).toISOString()}  ${e.actor} (${e.actor_role})  ${e.action}  dancer ${e.subject_id ?? '-'}  ${e.detail}`,
          );
      });
    });
}
