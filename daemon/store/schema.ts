/** Kysely's view of the store's tables, kept in step with the migrations by test/daemon/store/store-schema.test.ts (which fails on any difference). */
import type { Generated } from 'kysely';

type Id = Generated<number>;
type Ms = number;

import type {
  SoundEventsTable,
  SongSelectionsTable,
  SoundSamplesTable,
  SongsTable,
  VisualizationEventsTable,
  ChoreoTasksTable,
  CollectionsTable,
} from './schema-music.js';

import type { AccessLogTable, ConsentChangesTable, ErasuresTable } from './schema-rights.js';

export type { ChoreoTaskStatus, ChoreoTasksTable, CollectionsTable } from './schema-music.js';

export interface UsersTable {
  id: Id;
  username: string;
  email: string;
  password_hash: string;
  role: 'admin' | 'technician' | 'dancer';
  is_active: Generated<number>;
  pseudonym: string;
  consent_biometrics: Generated<number>;
  consent_updated_at: Ms | null;
  /** The dancer agreed to their biometrics being synced to the cloud (separate from recording them on the box). */
  consent_cloud_sync: Generated<number>;
  created_at: Ms;
  updated_at: Ms;
}

export interface EventsTable {
  id: Id;
  name: string;
  description: string | null;
  location: string | null;
  starts_at: Ms;
  ends_at: Ms;
  is_active: Generated<number>;
  capacity: number | null;
  config: Generated<string>;
  created_at: Ms;
  updated_at: Ms;
}

export interface RegistrationsTable {
  id: Id;
  event_id: number;
  user_id: number;
  registered_at: Ms;
  checked_in_at: Ms | null;
  checked_out_at: Ms | null;
  is_active: Generated<number>;
}

export interface DevicesTable {
  id: Id;
  device_key: string;
  kind: 'wearable' | 'haptic_controller';
  transport: 'ble' | 'serial' | 'firmata' | 'sim' | 'replay';
  model: Generated<string>;
  name: Generated<string>;
  is_active: Generated<number>;
  battery_pct: number | null;
  last_seen_at: Ms | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface DeviceAssignmentsTable {
  id: Id;
  device_id: number;
  user_id: number;
  event_id: number | null;
  assigned_at: Ms;
  released_at: Ms | null;
}

export interface StreamChunksTable {
  id: Id;
  device_id: number;
  event_id: number | null;
  stream: string;
  started_at: Ms;
  first_index: number;
  rate_hz: number;
  channels: number;
  sample_count: number;
  encoding: Generated<string>;
  data: Buffer;
}

export type DataSource = 'sensor' | 'api' | 'sim';

export interface BiometricDataTable {
  id: Id;
  user_id: number | null;
  event_id: number | null;
  device_id: number | null;
  recorded_at: Ms;
  stream_index: number | null;
  heart_rate: number | null;
  rr_1024: string | null;
  sensor_contact: number | null;
  energy_kj: number | null;
  gsr_us: number | null;
  skin_temp_c: number | null;
  energy_level: number | null;
  emotional_state: string | null;
  source: Generated<DataSource>;
}

export interface MovementDataTable {
  id: Id;
  event_id: number | null;
  user_id: number | null;
  device_id: number | null;
  recorded_at: Ms;
  data_type: string;
  coordinates: string | null;
  velocity: number | null;
  acceleration: number | null;
  crowd_density: number | null;
  intensity: number | null;
  source: Generated<DataSource>;
}

export interface NamedParametersTable {
  id: Id;
  name: string;
  description: string | null;
  parameters: Generated<string>;
  created_at: Ms;
  updated_at: Ms;
}

export interface MovementPatternsTable {
  id: Id;
  name: string;
  description: string | null;
  pattern_data: Generated<string>;
  created_at: Ms;
  updated_at: Ms;
}

export interface DetectedPatternsTable {
  id: Id;
  event_id: number | null;
  pattern_id: number;
  user_id: number | null;
  detected_at: Ms;
  confidence: number;
}

export type OutboxEntity =
  | 'biometric_data'
  | 'stream_chunks'
  | 'movement_data'
  | 'detected_patterns'
  | 'sound_events'
  | 'visualization_events'
  | 'events'
  | 'registrations'
  | 'song_selections'
  | 'users'
  | 'devices'
  | 'device_assignments'
  | 'movement_patterns'
  | 'sound_samples'
  | 'songs'
  | 'sound_presets'
  | 'visualization_presets'
  | 'inferences'
  | 'crowd_states'
  | 'collections'
  | 'erasures';

export interface OutboxTable {
  seq: Generated<number>;
  entity: OutboxEntity;
  entity_id: number;
  op: 'upsert' | 'delete';
  created_at: Ms;
}

export interface RefreshTokensTable {
  id: Id;
  token_hash: string;
  family: string;
  user_id: number;
  created_at: Ms;
  expires_at: Ms;
  revoked_at: Ms | null;
}

export interface InferencesTable {
  id: Id;
  device_id: number | null;
  user_id: number | null;
  event_id: number | null;
  at: Ms;
  model: string;
  value: number;
  inputs: Generated<string>;
}

export interface CrowdStatesTable {
  id: Id;
  event_id: number | null;
  at: Ms;
  bpm: number | null;
  active_dancers: number;
  energy: number | null;
  arousal_mean: number | null;
  arousal_p10: number | null;
  arousal_p50: number | null;
  arousal_p90: number | null;
  arousal_high_share: number | null;
  beat_synchrony: number | null;
  inter_synchrony: number | null;
  density: number | null;
}

export interface SyncCursorsTable {
  entity: OutboxEntity;
  acked_seq: number;
  acked_at: Ms;
}

export interface DancerSlotsTable {
  /** `event:<id>`, or `floor` when no event runs. */
  scope: string;
  /** `user:<id>` for a dancer wearing a band, `device:<key>` for a band assigned to nobody. */
  holder: string;
  slot: number;
  assigned_at: Ms;
}

export interface BoxMetaTable {
  key: string;
  value: string;
}

export interface Database {
  users: UsersTable;
  events: EventsTable;
  registrations: RegistrationsTable;
  devices: DevicesTable;
  device_assignments: DeviceAssignmentsTable;
  stream_chunks: StreamChunksTable;
  biometric_data: BiometricDataTable;
  movement_data: MovementDataTable;
  movement_patterns: MovementPatternsTable;
  detected_patterns: DetectedPatternsTable;
  sound_events: SoundEventsTable;
  song_selections: SongSelectionsTable;
  sound_samples: SoundSamplesTable;
  songs: SongsTable;
  sound_presets: NamedParametersTable;
  visualization_events: VisualizationEventsTable;
  visualization_presets: NamedParametersTable;
  outbox: OutboxTable;
  sync_cursors: SyncCursorsTable;
  choreo_tasks: ChoreoTasksTable;
  collections: CollectionsTable;
  box_meta: BoxMetaTable;
  dancer_slots: DancerSlotsTable;
  refresh_tokens: RefreshTokensTable;
  inferences: InferencesTable;
  crowd_states: CrowdStatesTable;
  consent_changes: ConsentChangesTable;
  erasures: ErasuresTable;
  access_log: AccessLogTable;
}
