export {
  configSchema,
  oscTargetSchema,
  logLevels,
  type Config,
  type ConfigInput,
  type OscTarget,
  type LogLevel,
  type HapticControllerConfig,
  type BleAdapterConfig,
  type ReplaySource,
} from './schema.js';
export { loadConfig, type LoadOptions } from './load.js';
export { ConfigError, formatProblem, type ConfigProblem } from './problems.js';
export { redact, isSecretKey, REDACTED, LOG_REDACT_PATHS } from './redact.js';
