/** What every `codance` subcommand shares: finding the configuration and reading numeric options. */
import { ConfigError, formatProblem, type Config } from '../../config/index.js';
import { configFor } from './load-config.js';

export const EXIT_CONFIG = 2;

export function withConfig(file: string | undefined): Config {
  try {
    return configFor(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`codance: ${file ?? process.env.CODANCE_CONFIG ?? 'configuration'} is invalid:`);
      for (const p of err.problems) console.error(`  ${formatProblem(p)}`);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
}

/** A whole-number option within bounds, or exit 2 naming the command, the flag and the range. */
export function integerOption(command: string, flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  console.error(`codance ${command}: ${flag} "${text}" must be an integer ${min}..${max}`);
  process.exit(EXIT_CONFIG);
}

/**
 * Runs a command's work. A failure the command expects (an instance of the class `expected`
 * resolves to, loaded lazily like the command's module) prints `codance COMMAND: message` and
 * exits with `code`; anything else is a bug and is thrown.
 */
export async function guarded(
  command: string,
  expected: () => Promise<abstract new (...args: never[]) => Error>,
  code: number,
  run: () => Promise<void>,
): Promise<void> {
  const Expected = await expected();
  try {
    await run();
  } catch (err) {
    if (!(err instanceof Expected)) throw err;
    console.error(`codance ${command}: ${err.message}`);
    process.exit(code);
  }
}
