/** Structured JSON logs (pino) to stdout; secret-named fields are redacted by pino itself. */
import { pino, type Logger, type DestinationStream } from 'pino';
import { LOG_REDACT_PATHS, type LogLevel } from '../config/index.js';

export type { Logger };

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
