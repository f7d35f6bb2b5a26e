/**
 * `codance logs`: the daemon's journal, readable. journalctl gives the lines (rotation and
 * retention are journald's: README, Logs); each JSON line is printed by pino-pretty, with a
 * component filter. A line that is not JSON (Node's own warnings) is printed as it is.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';

export interface LogsOptions {
  unit: string;
  follow: boolean;
  lines: number;
  since?: string;
  /** journalctl's -p: warning shows warnings and worse. */
  priority?: string;
  component?: string;
  json: boolean;
}

export function journalArgs(o: LogsOptions): string[] {
  return [
    '-u',
    o.unit,
    '-o',
    'cat',
    '--no-pager',
    '-n',
    String(o.lines),
    ...(o.follow ? ['-f'] : []),
    ...(o.since ? ['--since', o.since] : []),
    ...(o.priority ? ['-p', o.priority] : []),
  ];
}

/** One journal line as the technician reads it; undefined when the component filter drops it. */
export function renderLine(
  line: string,
  o: Pick<LogsOptions, 'component' | 'json'>,
  pretty: (o: object) => string,
): string | undefined {
  // journald keeps the priority prefix out of MESSAGE, but a line read from a file may carry it.
  const text = line.replace(/^<\d>/, '');
  let parsed: Record<string, unknown> | undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) parsed = v as Record<string, unknown>;
  } catch {
    // not one of ours
  }
  if (o.component && parsed?.component !== o.component) return undefined;
  if (!parsed || o.json) return text;
  return pretty(parsed).trimEnd();
}

export function showLogs(o: LogsOptions): Promise<number> {
  const pretty = prettyFactory({
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid',
  });
  return new Promise((resolve) => {
    const child = spawn('journalctl', journalArgs(o), { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', (err) => {
      console.error(
        `codance logs: cannot run journalctl (${err.message}); without systemd the daemon logs JSON lines to stdout: pipe them to npx pino-pretty`,
      );
      resolve(1);
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const out = renderLine(line, o, pretty);
      if (out !== undefined) console.log(out);
    });
    child.once('close', (code) => resolve(code ?? 1));
  });
}
