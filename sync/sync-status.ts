/** What the sync client reports of itself (`codance sync status`, /health, MQTT telemetry, metrics). */
import type { SyncClass } from './contract.js';

export type SyncState = 'idle' | 'sending' | 'backoff' | 'not_enrolled' | 'stopped';

export interface SyncStatus {
  state: SyncState;
  cloud: string | null;
  classes: SyncClass[];
  backlog: {
    entries: number;
    bytes: number;
    oldestUnsentAgeS: number | null;
    byClass: Partial<Record<SyncClass, number>>;
  };
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  nextAttemptAt: number | null;
  draining: boolean;
  sent: { batches: number; records: number; wireBytes: number; rawBytes: number; duplicates: number; skipped: number };
}
