/** `codance sync …` (on the box) and `codance cloud …` (on the cloud host). */
import type { Command } from 'commander';
import { packageVersion } from '../version.js';
import { EXIT_CONFIG, integerOption, withConfig } from './options.js';

export function addSyncCommands(program: Command): void {
  const syncCmd = program.command('sync').description('cloud sync of the store (works whether or not the daemon runs)');
  async function syncAction(name: string, run: () => Promise<void>): Promise<void> {
    const { SyncCommandError } = await import('./sync.js');
    try {
      await run();
    } catch (err) {
      if (!(err instanceof SyncCommandError)) throw err;
      console.error(`codance sync ${name}: ${err.message}`);
      process.exit(1);
    }
  }
  syncCmd
    .command('enrol')
    .description('enrol this box with a cloud, using a one-time code from the organisation admin')
    .requiredOption('--cloud <url>', 'the cloud, e.g. https://cloud.example.org')
    .requiredOption('--code <code>', 'the one-time enrolment code')
    .option('--name <name>', 'how the dashboard names this box (default: box.name)')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { cloud: string; code: string; name?: string; config?: string }) => {
      const cfg = withConfig(opts.config);
      const { enrol } = await import('./sync.js');
      await syncAction('enrol', async () =>
        console.log(await enrol(cfg, opts.cloud, opts.code, opts.name ?? cfg.box.name)),
      );
    });
  syncCmd
    .command('status')
    .description('backlog (entries, bytes, oldest unsent age), last success and last error; JSON with --json')
    .option('--json', 'print JSON')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { json?: boolean; config?: string }) => {
      const cfg = withConfig(opts.config);
      const { status } = await import('./sync.js');
      await syncAction('status', async () => {
        const r = await status(cfg);
        if (opts.json) return console.log(JSON.stringify(r));
        const s = r.status as {
          state: string;
          cloud: string | null;
          backlog: { entries: number; bytes: number; oldestUnsentAgeS: number | null; byClass: Record<string, number> };
          lastSuccessAt: number | null;
          lastError: string | null;
          consecutiveFailures: number;
        };
        console.log(`state:          ${s.state} (from the ${r.source})`);
        console.log(`cloud:          ${s.cloud ?? 'not enrolled (codance sync enrol --cloud URL --code CODE)'}`);
        console.log(
          `backlog:        ${s.backlog.entries} entries, ~${s.backlog.bytes} bytes ${JSON.stringify(s.backlog.byClass)}`,
        );
        console.log(
          `oldest unsent:  ${s.backlog.oldestUnsentAgeS === null ? '-' : `${Math.round(s.backlog.oldestUnsentAgeS)} s ago`}`,
        );
        console.log(
          `last success:   ${s.lastSuccessAt === null ? 'never (since start)' : new Date(s.lastSuccessAt).toISOString()}`,
        );
        if (s.lastError) console.log(`last error:     ${s.lastError} (${s.consecutiveFailures} failures in a row)`);
      });
    });
  syncCmd
    .command('now')
    .description('drain the backlog to the cloud now, with a progress bar; exit 0 when up to date')
    .option('--timeout <s>', 'give up after this many seconds', '600')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { timeout: string; config?: string }) => {
      const cfg = withConfig(opts.config);
      const timeout = integerOption('sync now', '--timeout', opts.timeout, 1, 86_400);
      const { syncNow } = await import('./sync.js');
      await syncAction('now', async () => console.log(await syncNow(cfg, timeout, true)));
    });
  syncCmd
    .command('verify')
    .description(
      "compare per-table counts and checksums of this box's records with the cloud's copy (exit 0 when identical)",
    )
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { config?: string }) => {
      const cfg = withConfig(opts.config);
      const { verify } = await import('./sync.js');
      await syncAction('verify', async () => {
        const r = await verify(cfg);
        for (const row of r.rows)
          console.log(
            `${row.same ? 'same' : 'DIFF'}  ${row.table.padEnd(22)} box ${String(row.box).padStart(8)}  cloud ${String(row.cloud).padStart(8)}`,
          );
        console.log(
          r.same
            ? "the cloud holds exactly this box's records"
            : 'the cloud differs (run codance sync now, then verify again)',
        );
        process.exitCode = r.same ? 0 : 1;
      });
    });
}

export function addCloudCommands(program: Command): void {
  const cloudCmd = program
    .command('cloud')
    .description('the cloud server (run on the cloud host): `codance cloud --db postgres://…`');
  const cloudDb = (v: string | undefined): string => v ?? process.env.CODANCE_CLOUD_DB ?? 'codance-cloud.sqlite';
  cloudCmd
    .command('serve', { isDefault: true })
    .description('serve the cloud API (ingest from boxes, pull for the dashboard) until SIGTERM')
    .option('--db <target>', 'postgres://… or a SQLite file (default $CODANCE_CLOUD_DB or codance-cloud.sqlite)')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--port <port>', 'listen port', '8090')
    .option('--log-level <level>', 'log level', 'info')
    .action(async (opts: { db?: string; host: string; port: string; logLevel: string }) => {
      const port = integerOption('cloud', '--port', opts.port, 0, 65535);
      const { createLogger } = await import('../logger.js');
      const { startCloud } = await import('../../sync/cloud/server.js');
      const log = createLogger(opts.logLevel as 'info');
      const cloud = await startCloud({ db: cloudDb(opts.db), host: opts.host, port, version: packageVersion(), log });
      const stop = () => void cloud.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
  const cloudOrg = cloudCmd.command('org').description('organisations');
  cloudOrg
    .command('create')
    .description("create an organisation and its owner (the owner's password is read from stdin)")
    .requiredOption('--name <name>', 'organisation name')
    .requiredOption('--owner <email>', "the owner's email (their login)")
    .option('--db <target>', 'postgres://… or a SQLite file')
    .action(async (opts: { name: string; owner: string; db?: string }) => {
      const { readPasswordFromStdin } = await import('./users.js');
      const password = await readPasswordFromStdin();
      if (password.length < 8) {
        console.error('codance cloud org create: the password (first line of stdin) must be at least 8 characters');
        process.exit(EXIT_CONFIG);
      }
      const { withCloudDb } = await import('./cloud.js');
      const r = await withCloudDb(cloudDb(opts.db), (a) => a.createOrg(opts.name, { email: opts.owner, password }));
      console.log(`organisation ${r.orgId} "${opts.name}" created; owner ${opts.owner} (user ${r.userId})`);
    });
}
