/**
 * Structured JSON logs (pino) to stdout; secret-named fields are redacted by pino itself.
 * A component (the `component` binding of a child logger: sync, ble, room, …) may log at its
 * own level (`log.components`). Under systemd (stdout connected to the journal) each line
 * starts with its syslog priority (`<4>` for warn), which journald keeps as PRIORITY, so
 * `journalctl -u codance -p warning` works and the line itself stays JSON.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { LOG_REDACT_PATHS, type LogLevel } from '../config/index.js';

export type { Logger };

export interface LoggerOptions {
  /** Levels by component, over `level`. */
  components?: Readonly<Record<string, LogLevel>>;
  /** Prefix lines with their syslog priority (default: when stdout is the journal). */
  journal?: boolean;
}

/** pino's numeric levels to syslog priorities (sd-daemon(3) prefixes). */
const PRIORITY: Record<number, number> = { 60: 2, 50: 3, 40: 4, 30: 6, 20: 7, 10: 7 };

export function priorityPrefixed(line: string): string {
  const level = /"level":(\d+)/.exec(line)?.[1];
  return `<${PRIORITY[Number(level)] ?? 6}>${line}`;
}

export function createLogger(level: LogLevel, destination?: DestinationStream, options: LoggerOptions = {}): Logger {
  const components = options.components ?? {};
  const journal = options.journal ?? (destination === undefined && process.env.JOURNAL_STREAM !== undefined);
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      onChild: (child) => {
        const component = (child.bindings() as { component?: unknown }).component;
        const own = typeof component === 'string' ? components[component] : undefined;
        if (own) child.level = own;
      },
      ...(journal ? { hooks: { streamWrite: priorityPrefixed } } : {}),
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
