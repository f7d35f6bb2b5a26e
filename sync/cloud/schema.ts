/** Kysely's view of the cloud's tables (sync/cloud/migrations.ts makes them, on SQLite or PostgreSQL). */
import type { Generated } from 'kysely';

export type OrgRole = 'owner' | 'admin' | 'viewer';

export interface CloudDatabase {
  cloud_meta: { key: string; value: string };
  orgs: { id: Generated<number>; name: string; created_at: number };
  venues: { id: Generated<number>; org_id: number; name: string; created_at: number };
  boxes: {
    id: Generated<number>;
    /** The box's own id (its store's box_meta.box_id). */
    uid: string;
    venue_id: number;
    name: string;
    token_hash: string;
    enrolled_at: number;
    last_seen_at: number | null;
    last_seq: Generated<number>;
  };
  enrolment_codes: {
    code_hash: string;
    venue_id: number;
    created_by: number;
    created_at: number;
    expires_at: number;
    used_at: number | null;
    used_by_box: number | null;
  };
  users: { id: Generated<number>; email: string; password_hash: string; created_at: number };
  memberships: { user_id: number; org_id: number; role: OrgRole; created_at: number };
  /** rate-limiter-flexible's own columns (sync/cloud/rate-limits.ts): used through it, never queried here. */
  rate_limits: { key: string; points: number; expire: number | null };
  retention_policies: {
    org_id: number;
    class: 'records' | 'features' | 'raw';
    /** 0 keeps the class for ever. */
    days: number;
    updated_at: number;
    updated_by: number | null;
  };
  audit_log: {
    id: Generated<number>;
    org_id: number;
    at: number;
    actor_id: number | null;
    actor: string;
    action: string;
    /** JSON. */
    detail: string;
  };
  records: {
    id: Generated<number>;
    box_id: number;
    entity: string;
    entity_id: number;
    seq: number;
    deleted: number;
    event_id: number | null;
    at: number | null;
    stream: string | null;
    user_ref: number | null;
    /** The record's canonical JSON (sync/contract.ts), exactly as hashed; '' once deleted. */
    data: string;
    received_at: number;
    /** Where a reading is stored in time (sync/cloud/partitions.ts): its own time, bounded; 0 for keyed records. */
    part_at: Generated<number>;
  };
  /** Per session, stream and entity: how many readings and their time span (sync/cloud/summaries.ts). */
  session_streams: {
    box_id: number;
    event_id: number;
    entity: string;
    stream: string;
    n: number;
    first_at: number | null;
    last_at: number | null;
  };
  session_crowd: {
    box_id: number;
    event_id: number;
    samples: number;
    energy_sum: number;
    energy_n: number;
    arousal_sum: number;
    arousal_n: number;
    peak_active: number;
  };
  session_dancer_stats: {
    box_id: number;
    event_id: number;
    user_ref: number;
    first_at: number | null;
    last_at: number | null;
    hr_n: number;
    hr_sum: number;
    hr_max: number | null;
    eda_n: number;
    eda_sum: number;
    ar_n: number;
    ar_sum: number;
    ar_high: number;
    patterns: number;
  };
}
