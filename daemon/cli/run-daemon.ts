/**
 * `codance daemon`: runs until SIGTERM/SIGINT, then stops cleanly (database flushed and
 * closed) and exits 0 within 5 s. A start that fails prints one clear line to stderr and
 * exits 1, so systemd's Restart=on-failure and the journal both say what happened.
 */
import { Daemon } from '../daemon.js';
import { createLogger } from '../logger.js';
import type { Config } from '../../config/index.js';

/** systemd's default TimeoutStopSec is 90 s, ours is 5 s: leave margin for the exit itself. */
const HARD_STOP_MS = 4500;

export async function runDaemon(config: Config): Promise<void> {
  const log = createLogger(config.log.level, undefined, { components: config.log.components });
  const controller = new AbortController();
  const daemon = new Daemon({ config, log });
  let exiting = false;

  const shutdown = (reason: string, code: number) => {
    if (exiting) return;
    exiting = true;
    log.info({ reason }, 'shutdown requested');
    const hard = setTimeout(() => {
      log.error({ afterMs: HARD_STOP_MS }, 'clean stop took too long; exiting anyway');
      process.exit(code || 1);
    }, HARD_STOP_MS);
    hard.unref();
    controller.abort();
    daemon.stop().then(
      () => process.exit(code),
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('uncaughtException', (err) => {
    // A bug, not bad input (edges validate): record it, stop cleanly, let systemd restart us.
    log.fatal({ err }, 'uncaught exception');
    shutdown('uncaughtException', 1);
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled promise rejection');
    shutdown('unhandledRejection', 1);
  });

  try {
    await daemon.start(controller.signal);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The message names what to fix (a port in use, a store that is not ours); a stack adds nothing for the technician.
    log.fatal({ error: message, type: err instanceof Error ? err.name : typeof err }, 'start failed');
    console.error(`codance: start failed: ${message}`);
    process.exit(1);
  }
}
