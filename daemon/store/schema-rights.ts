/** The store's tables for dancers' data rights (consent history, erasures, the access log). */
import type { Generated } from 'kysely';

export interface ConsentChangesTable {
  id: Generated<number>;
  user_id: number;
  consent: 'biometrics' | 'cloud_sync';
  granted: number;
  changed_at: number;
  /** The account that made the change; null when not known. */
  changed_by: number | null;
  /** How: `api`, `registration`, `cli`, `before history`. */
  via: string;
}

export interface ErasuresTable {
  id: Generated<number>;
  /** The id the erased dancer had on this box. */
  subject_id: number;
  requested_by: number | null;
  requested_role: string;
  via: string;
  requested_at: number;
  finished_at: number | null;
  /** JSON `[{device_id, from, to}]`: the wearables the dancer wore, and when. */
  devices: Generated<string>;
  /** JSON: rows deleted per table. */
  erased: Generated<string>;
}

export interface AccessLogTable {
  id: Generated<number>;
  at: number;
  actor_id: number | null;
  actor: string;
  actor_role: string;
  subject_id: number | null;
  action: string;
  detail: Generated<string>;
}
