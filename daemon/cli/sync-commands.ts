/** `codance sync …` (on the box) and `codance cloud …` (on the cloud host). */
import type { Command } from 'commander';
import { packageVersion } from '../version.js';
import { EXIT_CONFIG, guarded, integerOption, withConfig } from './options.js';

export function addSyncCommands(program: Command): void {
  const syncCmd = program.command('sync').description('cloud sync of the store (works whether or not the daemon runs)');
  const syncAction = (name: string, run: () => Promise<void>): Promise<void> =>
    guarded(`sync ${name}`, () => import('./sync.js').then((m) => m.SyncCommandError), 1, run);
  syncCmd
    .command('enrol')
    .description('enrol this box with a cloud, using a one-time code from the organisation admin')
    .requiredOption('--cloud <url>', 'the cloud, e.g. https://cloud.example.org')
    .requiredOption('--code <code>', 'the one-time enrolment code')
    .option(
      '--name <name>',
      "how the dashboard names this box (default: the running daemon's box.name, else the configuration's)",
    )
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { cloud: string; code: string; name?: string; config?: string }) => {
      const cfg = withConfig(opts.config);
      const { boxName, enrol } = await import('./sync.js');
      await syncAction('enrol', async () =>
        console.log(await enrol(cfg, opts.cloud, opts.code, opts.name ?? (await boxName(cfg)))),
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
        console.log(`last success:   ${s.lastSuccessAt === null ? 'never' : new Date(s.lastSuccessAt).toISOString()}`);
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
      "compare per-table counts and checksums of this box's records with the cloud's copy, up to the outbox position when verify starts (exit 0 when identical); works while the daemon writes",
    )
    .option('--wait <seconds>', "how long to wait for the daemon's sync to reach that position", '30')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { wait: string; config?: string }) => {
      const cfg = withConfig(opts.config);
      const wait = integerOption('sync verify', '--wait', opts.wait, 0, 3600);
      const { verify } = await import('./sync-verify.js');
      await syncAction('verify', async () => {
        const r = await verify(cfg, wait);
        for (const row of r.rows)
          console.log(
            `${row.same ? 'same' : 'DIFF'}  ${row.table.padEnd(22)} box ${String(row.box).padStart(8)}  cloud ${String(row.cloud).padStart(8)}`,
          );
        console.log(
          r.same
            ? `the cloud holds exactly this box's records up to outbox position ${r.watermark}`
            : r.unsentAtWatermark > 0
              ? `the cloud differs: ${r.unsentAtWatermark} entries up to position ${r.watermark} were not acknowledged within ${wait} s (is the daemon syncing? codance sync status; or codance sync now)`
              : `the cloud differs up to outbox position ${r.watermark} (run codance sync now, then verify again)`,
        );
        console.log(
          r.behindNow > 0
            ? `beyond that: the cloud is ${r.behindNow} entries behind the box now (written since; they sync as usual)`
            : 'beyond that: nothing, the cloud is up to date',
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
    .option('--retention-every <minutes>', "how often each organisation's retention policy is applied", '60')
    .option('--audit-days <days>', 'days the dashboard access log is kept (0 = for ever)', '365')
    .option(
      '--trust-proxy <addresses>',
      'comma-separated addresses of load balancers whose X-Forwarded-For is believed (rate limits per client)',
    )
    .option('--instance <name>', 'name this instance in a Codance-Instance response header (behind a load balancer)')
    .option(
      '--read-replica <url>',
      "postgres://… of a streaming replica of --db: the dashboard's session pages are read from it",
    )
    .action(
      async (opts: {
        db?: string;
        host: string;
        port: string;
        logLevel: string;
        retentionEvery: string;
        auditDays: string;
        trustProxy?: string;
        instance?: string;
        readReplica?: string;
      }) => {
        const port = integerOption('cloud', '--port', opts.port, 0, 65535);
        const retentionEveryMinutes = integerOption('cloud', '--retention-every', opts.retentionEvery, 1, 10_080);
        const auditDays = integerOption('cloud', '--audit-days', opts.auditDays, 0, 3650);
        const { createLogger } = await import('../logger.js');
        const { startCloud } = await import('../../sync/cloud/server.js');
        const log = createLogger(opts.logLevel as 'info');
        const cloud = await startCloud({
          db: cloudDb(opts.db),
          host: opts.host,
          port,
          version: packageVersion(),
          log,
          retention: { everyMs: retentionEveryMinutes * 60_000, auditDays },
          trustedProxies: (opts.trustProxy ?? '')
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
          ...(opts.instance && { instance: opts.instance }),
          ...(opts.readReplica && { readReplica: opts.readReplica }),
        });
        const stop = () => void cloud.close().then(() => process.exit(0));
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      },
    );
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

  const cloudAction = (name: string, run: () => Promise<void>): Promise<void> =>
    guarded(`cloud ${name}`, () => import('./cloud.js').then((m) => m.CloudCommandError), 1, run);
  const venueCmd = cloudCmd.command('venue').description("an organisation's venues (each box belongs to one)");
  venueCmd
    .command('create')
    .description('create a venue in an organisation; prints its id (for codance cloud enrol-code)')
    .requiredOption('--org <org>', "the organisation's id or exact name")
    .requiredOption('--name <name>', 'the venue name, unique in the organisation')
    .option('--db <target>', 'postgres://… or a SQLite file')
    .action(async (opts: { org: string; name: string; db?: string }) => {
      const { createVenueCommand } = await import('./cloud.js');
      await cloudAction('venue create', async () => {
        const r = await createVenueCommand(cloudDb(opts.db), opts.org, opts.name);
        console.log(`venue ${r.venueId} "${opts.name}" created in organisation ${r.org.id} "${r.org.name}"`);
      });
    });
  venueCmd
    .command('list')
    .description('every venue with its organisation, boxes and when a box last synced')
    .option('--db <target>', 'postgres://… or a SQLite file')
    .action(async (opts: { db?: string }) => {
      const { listVenues } = await import('./cloud.js');
      for (const v of await listVenues(cloudDb(opts.db)))
        console.log(
          `${String(v.id).padStart(4)}  ${v.name}  (${v.org})  ${v.boxes} box${v.boxes === 1 ? '' : 'es'}, last sync ${v.lastSeenAt === null ? 'never' : new Date(v.lastSeenAt).toISOString()}`,
        );
    });
  cloudCmd
    .command('enrol-code')
    .description('a one-time code that enrols a box at a venue (codance sync enrol on the box); shown once')
    .requiredOption('--venue <id>', 'the venue id (codance cloud venue list)')
    .option('--ttl <duration>', 'how long the code is valid: 30m, 12h, 7d (at most 30d)', '24h')
    .option('--db <target>', 'postgres://… or a SQLite file')
    .action(async (opts: { venue: string; ttl: string; db?: string }) => {
      const venue = integerOption('cloud enrol-code', '--venue', opts.venue, 1, Number.MAX_SAFE_INTEGER);
      const m = /^(\d+)([mhd])$/.exec(opts.ttl);
      const ttlMs = m ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'] : NaN;
      if (!(ttlMs >= 60_000 && ttlMs <= 30 * 86_400_000)) {
        console.error(`codance cloud enrol-code: --ttl "${opts.ttl}" must be like 30m, 12h or 7d, from 1m to 30d`);
        process.exit(EXIT_CONFIG);
      }
      const { enrolCodeCommand } = await import('./cloud.js');
      await cloudAction('enrol-code', async () => {
        const r = await enrolCodeCommand(cloudDb(opts.db), venue, ttlMs);
        console.log(r.code);
        console.error(
          `one-time code for venue ${venue} "${r.venue}" (${r.org}), valid until ${new Date(r.expiresAt).toISOString()}: on the box, codance sync enrol --cloud URL --code ${r.code}`,
        );
      });
    });
}
