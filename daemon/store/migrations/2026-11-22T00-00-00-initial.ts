/**
 * The first schema: every entity of the product. FROZEN: never edit a migration that has
 * shipped; add a new file instead. Times are wall-clock ms (INTEGER); JSON columns are TEXT.
 */
import { sql, type Kysely } from 'kysely';

const statements = [
  // ---- people and venue sessions
  `CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'dancer' CHECK (role IN ('admin','technician','dancer')),
    is_active INTEGER NOT NULL DEFAULT 1,
    -- a random id that stands in for the person in anything synced off the box
    pseudonym TEXT NOT NULL UNIQUE,
    consent_biometrics INTEGER NOT NULL DEFAULT 0,
    consent_updated_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  `CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    location TEXT,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    capacity INTEGER,
    config TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (ends_at >= starts_at)
  )`,
  `CREATE INDEX events_starts_at ON events(starts_at)`,
  `CREATE TABLE registrations (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    registered_at INTEGER NOT NULL,
    checked_in_at INTEGER,
    checked_out_at INTEGER,
    is_active INTEGER NOT NULL DEFAULT 1,
    UNIQUE (event_id, user_id)
  )`,
  `CREATE INDEX registrations_user ON registrations(user_id)`,
  // ---- hardware
  `CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    device_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('wearable','haptic_controller')),
    transport TEXT NOT NULL CHECK (transport IN ('ble','serial','firmata','sim','replay')),
    model TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    is_active INTEGER NOT NULL DEFAULT 1,
    battery_pct REAL,
    last_seen_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  `CREATE TABLE device_assignments (
    id INTEGER PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
    assigned_at INTEGER NOT NULL,
    released_at INTEGER
  )`,
  // at most one open assignment per device
  `CREATE UNIQUE INDEX device_assignments_open ON device_assignments(device_id) WHERE released_at IS NULL`,
  // ---- signals: high-rate streams as ~1 s chunks, low-rate values as rows
  `CREATE TABLE stream_chunks (
    id INTEGER PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices(id),
    event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
    stream TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    first_index INTEGER NOT NULL,
    rate_hz REAL NOT NULL,
    channels INTEGER NOT NULL,
    sample_count INTEGER NOT NULL,
    encoding TEXT NOT NULL DEFAULT 'f32le',
    data BLOB NOT NULL
  )`,
  `CREATE INDEX stream_chunks_device_time ON stream_chunks(device_id, stream, started_at)`,
  `CREATE TABLE biometric_data (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
    device_id INTEGER REFERENCES devices(id),
    recorded_at INTEGER NOT NULL,
    stream_index INTEGER,
    heart_rate REAL,
    rr_1024 TEXT,
    sensor_contact INTEGER,
    energy_kj REAL,
    gsr_us REAL,
    skin_temp_c REAL,
    energy_level REAL,
    emotional_state TEXT,
    source TEXT NOT NULL DEFAULT 'sensor' CHECK (source IN ('sensor','api','sim'))
  )`,
  `CREATE INDEX biometric_data_time ON biometric_data(recorded_at)`,
  `CREATE INDEX biometric_data_user_time ON biometric_data(user_id, recorded_at)`,
  `CREATE INDEX biometric_data_event_time ON biometric_data(event_id, recorded_at)`,
  `CREATE TABLE movement_data (
    id INTEGER PRIMARY KEY,
    event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    device_id INTEGER REFERENCES devices(id),
    recorded_at INTEGER NOT NULL,
    data_type TEXT NOT NULL,
    coordinates TEXT,
    velocity REAL,
    acceleration REAL,
    crowd_density REAL,
    intensity REAL,
    source TEXT NOT NULL DEFAULT 'sensor' CHECK (source IN ('sensor','api','sim'))
  )`,
  `CREATE INDEX movement_data_event_time ON movement_data(event_id, recorded_at)`,
  `CREATE TABLE movement_patterns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    pattern_data TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  `CREATE TABLE detected_patterns (
    id INTEGER PRIMARY KEY,
    event_id INTEGER REFERENCES events(id) ON DELETE CASCADE,
    pattern_id INTEGER NOT NULL REFERENCES movement_patterns(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    detected_at INTEGER NOT NULL,
    confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1)
  )`,
  `CREATE INDEX detected_patterns_event_time ON detected_patterns(event_id, detected_at)`,
  // ---- sound
  `CREATE TABLE sound_events (
    id INTEGER PRIMARY KEY,
    event_id INTEGER REFERENCES events(id) ON DELETE CASCADE,
    movement_data_id INTEGER REFERENCES movement_data(id) ON DELETE SET NULL,
    occurred_at INTEGER NOT NULL,
    sound_type TEXT NOT NULL,
    parameters TEXT NOT NULL DEFAULT '{}',
    duration_ms INTEGER,
    intensity REAL
  )`,
  `CREATE INDEX sound_events_event_time ON sound_events(event_id, occurred_at)`,
  `CREATE TABLE song_selections (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    artist TEXT,
    duration_s REAL,
    audio_features TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
    selected_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  `CREATE TABLE sound_samples (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    duration_s REAL,
    sample_rate INTEGER,
    data BLOB NOT NULL,
    created_at INTEGER NOT NULL
  )`,
  `CREATE TABLE sound_presets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    parameters TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  // ---- visualization
  `CREATE TABLE visualization_events (
    id INTEGER PRIMARY KEY,
    event_id INTEGER REFERENCES events(id) ON DELETE CASCADE,
    occurred_at INTEGER NOT NULL,
    viz_type TEXT NOT NULL,
    parameters TEXT NOT NULL DEFAULT '{}',
    duration_ms INTEGER,
    intensity REAL
  )`,
  `CREATE INDEX visualization_events_event_time ON visualization_events(event_id, occurred_at)`,
  `CREATE TABLE visualization_presets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    parameters TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  // ---- store-and-forward: append-only; seq is monotonic per box and never reused (AUTOINCREMENT)
  `CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert','delete')),
    created_at INTEGER NOT NULL
  )`,
  `CREATE TABLE box_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const tables = [...statements].reverse().flatMap((s) => /^CREATE TABLE (\w+)/.exec(s)?.[1] ?? []);
  for (const t of tables) await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
}
