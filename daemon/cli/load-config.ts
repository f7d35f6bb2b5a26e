/** How every CLI command finds its configuration: --config FILE, else CODANCE_CONFIG, else embedded defaults; then env overrides. */
import { loadConfig, type Config } from '../../config/index.js';

export function configFor(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig({ file: file ?? env.CODANCE_CONFIG, env });
}
