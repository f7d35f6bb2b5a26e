/**
 * The box's health registry as the daemon keeps it: every transition of a device or subsystem
 * is one log line (what a technician greps for) and tells whoever listens (MQTT telemetry).
 */
import { HealthRegistry, type ComponentHealth } from '../drivers/health/registry.js';
import type { Logger } from './logger.js';

export function loggedHealth(log: Logger, now: () => number, changed: () => void): HealthRegistry {
  return new HealthRegistry(now, (next, prev) => {
    logTransition(log, next, prev);
    changed();
  });
}

function logTransition(log: Logger, next: ComponentHealth, prev: ComponentHealth | undefined): void {
  const fields = { component: next.id, state: next.state, from: prev?.state, detail: next.detail };
  if (next.state === 'retrying' || next.state === 'error' || next.state === 'unavailable')
    log.warn(fields, `${next.id} ${next.state}`);
  else log.info(fields, `${next.id} ${next.state}`);
}
