/** The log section of the configuration: a level, and levels by component. */
import { z } from 'zod';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export const logSchema = z
  .strictObject({
    level: z.enum(logLevels).default('info').describe('Log level (pino).'),
    components: z
      .record(z.string().min(1).max(40), z.enum(logLevels))
      .default({})
      .describe('Levels by component over `level`, e.g. {sync: debug, ble: warn} (the `component` field of a line).'),
  })
  .prefault({});
