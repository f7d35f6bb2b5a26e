/**
 * How every CLI command finds its configuration: --config FILE, else CODANCE_CONFIG, else the
 * installed box's /etc/codance/codance.yaml when it exists (what the unit runs the daemon
 * with, so `codance users …` or `codance sync enrol` on a box act on the daemon's own store
 * and name), else the embedded defaults; then environment overrides.
 */
import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../../config/index.js';

export const INSTALLED_CONFIG = '/etc/codance/codance.yaml';

export function configFor(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  installed = INSTALLED_CONFIG,
): Config {
  return loadConfig({ file: file ?? env.CODANCE_CONFIG ?? (existsSync(installed) ? installed : undefined), env });
}
