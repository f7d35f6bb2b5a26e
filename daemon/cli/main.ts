#!/usr/bin/env -S node --max-semi-space-size=2 --single-threaded-gc
/**
 * The `codance` command. Exit codes: 0 success; 1 a runtime failure; 2 invalid
 * configuration or usage (so scripts can tell "fix the file" from "fix the box").
 */
import { Command, CommanderError } from 'commander';
import { stringify } from 'yaml';
import { ConfigError, formatProblem, loadConfig, redact, type Config } from '../../config/index.js';
import { machineDoctorChecks } from '../doctor/checks.js';
import { renderReport, runChecks } from '../doctor/report.js';
import { backupDatabase } from '../store/backup.js';
import { openDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { packageVersion } from '../version.js';
import { configFor } from './load-config.js';
import { EXIT_CONFIG, integerOption, withConfig } from './options.js';
import { addCloudCommands, addSyncCommands } from './sync-commands.js';
import { addChoreoCommands } from './choreo-commands.js';
import { addUsersCommands } from './users-commands.js';
import { addModelCommands } from './model-commands.js';
import { decodeCommand } from './decode.js';
import { listDevices, renderDevices } from './devices.js';
import { renderScan, renderScanProblems, scan } from './scan.js';
import { serveOnSerial, SimulatedHapticController } from '../../drivers/serial/simulated-controller.js';
import type { Kysely } from 'kysely';

const program = new Command()
  .name('codance')
  .description('The Codance venue appliance: wearables in; lights, sound and haptics out; sessions kept and synced.')
  .version(packageVersion())
  .showHelpAfterError()
  .addHelpText(
    'after',
    '\nConfiguration: --config FILE, else $CODANCE_CONFIG, else embedded defaults; then CODANCE_<PATH> overrides (e.g. CODANCE_HTTP__PORT=8081).',
  );

program
  .command('daemon')
  .description('run the box: drivers, store, outputs and the local API, until SIGTERM/SIGINT')
  .option('-c, --config <file>', 'YAML configuration file')
  .action(async (opts: { config?: string }) => {
    // Loaded on demand: the daemon pulls in the whole box, which quick commands (decode) should not pay for.
    const { runDaemon } = await import('./run-daemon.js');
    await runDaemon(withConfig(opts.config));
  });

const config = program.command('config').description('check and show configuration');
config
  .command('check')
  .description('validate FILE (exit 0 valid, 2 invalid), printing each problem as `path: what is wrong`')
  .argument('<file>', 'YAML configuration file')
  .option('--env', 'also apply CODANCE_* environment overrides, as the daemon would')
  .action((file: string, opts: { env?: boolean }) => {
    try {
      loadConfig({ file, env: opts.env ? process.env : undefined });
      console.log(`${file}: valid`);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) console.log(formatProblem(p));
      process.exit(EXIT_CONFIG);
    }
  });
config
  .command('print')
  .description('print the effective configuration (defaults + file + environment), secrets redacted')
  .option('-c, --config <file>', 'YAML configuration file')
  .action((opts: { config?: string }) => {
    process.stdout.write(stringify(redact(withConfig(opts.config))));
  });

program
  .command('doctor')
  .description('check this machine for what the daemon needs, with what to do about each failure')
  .option('-c, --config <file>', 'YAML configuration file')
  .action(async (opts: { config?: string }) => {
    let cfg: Config;
    let configRow: string | undefined;
    try {
      cfg = configFor(opts.config);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      configRow = err.problems.map(formatProblem).join('; ');
      cfg = loadConfig();
    }
    const checks = machineDoctorChecks(cfg);
    checks.unshift({
      name: 'configuration',
      fatal: true,
      run: () =>
        Promise.resolve(
          configRow
            ? { status: 'fail', detail: configRow, fix: 'fix the file (codance config check FILE)' }
            : { status: 'ok', detail: opts.config ?? process.env.CODANCE_CONFIG ?? 'embedded defaults' },
        ),
    });
    const report = await runChecks(checks);
    process.stdout.write(renderReport(report));
    process.exitCode = report.blocking ? 1 : 0;
  });

const db = program.command('db').description('the store (SQLite)');
db.command('migrate')
  .description('apply pending migrations to the store and report them')
  .option('-c, --config <file>', 'YAML configuration file')
  .action(async (opts: { config?: string }) => {
    const cfg = withConfig(opts.config);
    const opened = openDatabase(cfg.store.path);
    try {
      const report = await migrateToLatest(opened.db as Kysely<unknown>);
      console.log(report.applied.length > 0 ? `applied: ${report.applied.join(', ')}` : 'up to date');
      console.log(`schema: ${report.current ?? 'none'} (${opened.path})`);
    } finally {
      await opened.close();
    }
  });
db.command('backup')
  .description('write a consistent online backup of the store to FILE (safe while the daemon runs)')
  .argument('<file>', 'where to write the backup')
  .option('-c, --config <file>', 'YAML configuration file')
  .action(async (file: string, opts: { config?: string }) => {
    const cfg = withConfig(opts.config);
    const result = await backupDatabase(cfg.store.path, file);
    console.log(`backup written: ${result.file} (${result.pages} pages, integrity ${result.integrity})`);
  });

db.command('restore')
  .description(
    'replace the store with a backup (checked first; the current store is kept aside); refused while the daemon runs',
  )
  .argument('<file>', 'a backup made by codance db backup')
  .option('--stop', 'have systemd stop the daemon for the restore and start it again after')
  .option('--unit <name>', 'the systemd unit --stop uses', 'codance.service')
  .option('-c, --config <file>', 'YAML configuration file')
  .action(async (file: string, opts: { stop?: boolean; unit: string; config?: string }) => {
    const cfg = withConfig(opts.config);
    const { restoreCommand } = await import('./restore.js');
    process.exitCode = await restoreCommand(cfg.store.path, file, opts);
  });

program
  .command('logs')
  .description("the daemon's journal, readable (journalctl -u codance through pino-pretty)")
  .option('-f, --follow', 'keep printing new lines')
  .option('-n, --lines <n>', 'how many of the last lines', '200')
  .option('--since <time>', 'from this time on (journalctl --since: "1 hour ago", "2026-11-30 21:00")')
  .option('-p, --priority <level>', 'this level and worse: err, warning, info, debug')
  .option('--component <name>', 'only lines of this component (sync, ble, room, store, …)')
  .option('--json', 'the JSON lines as they are')
  .option('--unit <name>', 'the systemd unit', 'codance.service')
  .action(
    async (opts: {
      follow?: boolean;
      lines: string;
      since?: string;
      priority?: string;
      component?: string;
      json?: boolean;
      unit: string;
    }) => {
      const lines = integerOption('logs', '--lines', opts.lines, 0, 1_000_000);
      const { showLogs } = await import('./logs.js');
      process.exitCode = await showLogs({
        unit: opts.unit,
        follow: opts.follow ?? false,
        lines,
        json: opts.json ?? false,
        ...(opts.since ? { since: opts.since } : {}),
        ...(opts.priority ? { priority: opts.priority } : {}),
        ...(opts.component ? { component: opts.component } : {}),
      });
    },
  );

addUsersCommands(program);

program
  .command('decode')
  .description('decode a BLE payload and print it as JSON (exit 2 with the reason when it is invalid)')
  .argument('<kind>', 'hrm (Heart Rate Measurement 0x2A37) or pmd (Polar PMD data frame)')
  .argument('<hex>', 'the payload bytes in hex (spaces and colons allowed)')
  .option('--factor <f>', 'pmd: the conversion factor the device reported (compressed accelerometer frames)')
  .action((kind: string, hex: string, opts: { factor?: string }) => {
    const r = decodeCommand(kind, hex, opts.factor);
    if (r.stdout) console.log(r.stdout);
    if (r.stderr) console.error(r.stderr);
    process.exitCode = r.code;
  });

program
  .command('scan')
  .description('list the BLE wearables in range with RSSI and services, and whether ble.allowlist lets them connect')
  .option('-s, --seconds <n>', 'how long to listen', '10')
  .option('--replay <file>', 'scan a recording instead of the radios')
  .option('--json', 'print JSON instead of a table')
  .option('-c, --config <file>', 'YAML configuration file')
  .action(async (opts: { seconds: string; replay?: string; json?: boolean; config?: string }) => {
    const cfg = withConfig(opts.config);
    const seconds = Number(opts.seconds);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
      console.error(`codance scan: --seconds "${opts.seconds}" must be a number of seconds in (0, 600]`);
      process.exit(EXIT_CONFIG);
    }
    const result = await scan({ seconds, replay: opts.replay, ble: cfg.ble });
    process.stderr.write(renderScanProblems(result));
    process.stdout.write(opts.json ? `${JSON.stringify(result.rows)}\n` : renderScan(result));
  });

program
  .command('devices')
  .description('the devices this box knows, who wears each, and their live state when the daemon runs')
  .option('--json', 'print JSON instead of a table')
  .option('-c, --config <file>', 'YAML configuration file')
  .action(async (opts: { json?: boolean; config?: string }) => {
    const result = await listDevices(withConfig(opts.config));
    process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : renderDevices(result));
  });

const haptics = program.command('haptics').description('haptic controllers');
haptics
  .command('simulate')
  .description(
    'act as a haptic controller on a serial port (the far end of a tty pair or a looped adapter) until interrupted',
  )
  .requiredOption('--port <path>', 'serial device to serve, e.g. /dev/ttyUSB1 or a socat pty')
  .option('--channels <n>', 'motor channels', '8')
  .action(async (opts: { port: string; channels: string }) => {
    const channels = integerOption('haptics simulate', '--channels', opts.channels, 1, 255);
    const controller = new SimulatedHapticController({ channels });
    const stop = serveOnSerial(controller, opts.port);
    console.log(`simulated haptic controller (${channels} channels) serving ${opts.port}; Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await stop();
    console.log(`${controller.log.length} pulse(s) played`);
  });

addModelCommands(program);
addChoreoCommands(program);
addSyncCommands(program);
addCloudCommands(program);

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 1 ? EXIT_CONFIG : err.exitCode);
  console.error(`codance: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
