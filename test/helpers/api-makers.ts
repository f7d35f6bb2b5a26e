/**
 * Fresh records for API tests, written straight into the store: `makers(sql)` gives one
 * function per kind of record (a user, an event, a song with its audio, …), each returning the
 * new record's id.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './daemon-process.js';
import type { LiveMapping } from '../../daemon/mapping/live-mapping.js';
import type { Sql } from '../../daemon/store/sql.js';
import { clickWav, wavBytes } from './audio-files.js';

let seq = 0;
/** A short string no other call returns (unique names). */
export const uniq = (): string => `${Date.now().toString(36)}${(seq++).toString(36)}`;
const t = (): number => Date.now();

export function makers(sql: Sql, mapping?: LiveMapping) {
  const { db } = sql;
  /** A live mapping rule of its own (routes that edit or delete one). */
  const mappingRule = (): string => {
    const id = `rule-${uniq()}`;
    mapping?.putRule({
      id,
      source: { kind: 'crowd', metric: 'energy' },
      target: { kind: 'osc', address: `/test/${id}` },
    });
    return id;
  };
  const event = (over: { capacity?: number | null } = {}): number =>
    sql.run(
      db.insertInto('events').values({
        name: `night ${uniq()}`,
        starts_at: t() - 3600_000,
        ends_at: t() + 3600_000,
        capacity: over.capacity ?? null,
        created_at: t(),
        updated_at: t(),
      }),
    ).id;
  const registration = (userId: number, eventId = event(), checkedIn = false): number =>
    sql.run(
      db
        .insertInto('registrations')
        .values({ event_id: eventId, user_id: userId, registered_at: t(), checked_in_at: checkedIn ? t() : null }),
    ).id;
  const pattern = (): number =>
    sql.run(db.insertInto('movement_patterns').values({ name: `spin ${uniq()}`, created_at: t(), updated_at: t() })).id;
  const device = (): number =>
    sql.run(
      db
        .insertInto('devices')
        .values({ device_key: `band-${uniq()}`, kind: 'wearable', transport: 'ble', created_at: t(), updated_at: t() }),
    ).id;
  return {
    mappingRule,
    user: (role: 'admin' | 'technician' | 'dancer' = 'dancer'): number =>
      sql.run(
        db.insertInto('users').values({
          username: `x${uniq()}`,
          email: `x${uniq()}@example.org`,
          password_hash: 'not-a-hash',
          role,
          pseudonym: `p_${uniq()}`,
          created_at: t(),
          updated_at: t(),
        }),
      ).id,
    event,
    registration,
    pattern,
    device,
    movement: (userId: number | null): number =>
      sql.run(
        db
          .insertInto('movement_data')
          .values({ user_id: userId, recorded_at: t(), data_type: 'position', intensity: 0.5, source: 'api' }),
      ).id,
    detected: (userId: number | null): number =>
      sql.run(
        db
          .insertInto('detected_patterns')
          .values({ pattern_id: pattern(), user_id: userId, detected_at: t(), confidence: 0.9 }),
      ).id,
    biometric: (userId: number | null): number =>
      sql.run(
        db.insertInto('biometric_data').values({ user_id: userId, recorded_at: t(), heart_rate: 120, source: 'api' }),
      ).id,
    song: (userId: number): number =>
      sql.run(
        db
          .insertInto('song_selections')
          .values({ user_id: userId, title: `Obsesión ${uniq()}`, selected_at: t(), updated_at: t() }),
      ).id,
    /** A library song: a click track at 120 bpm with the analysis that grid has. */
    librarySong: (seconds = 2): number => {
      const data = Buffer.from(clickWav({ seconds }));
      const beats = Array.from({ length: seconds * 2 }, (_, i) => 0.25 + i * 0.5);
      const analysis = { version: 1, durationS: seconds, tempo: 120, beats, firstCountBeat: 0 };
      return sql.run(
        db.insertInto('songs').values({
          title: `click ${uniq()}`,
          mime_type: 'audio/wav',
          size_bytes: data.length,
          sha256: `${uniq()}`.padStart(64, '0'),
          data,
          duration_s: seconds,
          tempo: 120,
          analysis: JSON.stringify(analysis),
          created_at: t(),
          updated_at: t(),
        }),
      ).id;
    },
    /** A choreography task of `owner` in a state the runner leaves alone (only pending tasks are picked up). */
    choreoTask: (owner: number, status: 'rendering' | 'completed' = 'rendering'): number => {
      const video = status === 'completed' ? join(tempDir(), 'task.mp4') : null;
      if (video) writeFileSync(video, Buffer.from('not really an mp4, but bytes to stream'));
      return sql.run(
        db.insertInto('choreo_tasks').values({
          user_id: owner,
          song_id: null,
          query: 'beginner',
          seed: 1,
          render: 1,
          status,
          error: null,
          blueprint: null,
          video_path: video,
          created_at: t(),
          updated_at: t(),
          started_at: t(),
          finished_at: null,
        }),
      ).id;
    },
    collection: (owner: number): number =>
      sql.run(
        db.insertInto('collections').values({
          user_id: owner,
          name: `saved ${uniq()}`,
          description: null,
          song_id: null,
          task_id: null,
          blueprint: JSON.stringify(tinyBlueprint),
          created_at: t(),
          updated_at: t(),
        }),
      ).id,
    sample: (): number =>
      sql.run(
        db.insertInto('sound_samples').values({
          name: `kick ${uniq()}`,
          category: 'percussion',
          mime_type: 'audio/wav',
          size_bytes: 44,
          data: Buffer.from(wavBytes(0)),
          created_at: t(),
        }),
      ).id,
    soundEvent: (): number => sql.run(db.insertInto('sound_events').values({ occurred_at: t(), sound_type: 'pad' })).id,
    vizEvent: (): number =>
      sql.run(db.insertInto('visualization_events').values({ occurred_at: t(), viz_type: 'wash' })).id,
    soundPreset: (): number =>
      sql.run(db.insertInto('sound_presets').values({ name: `warm ${uniq()}`, created_at: t(), updated_at: t() })).id,
    vizPreset: (): number =>
      sql.run(
        db.insertInto('visualization_presets').values({ name: `blue ${uniq()}`, created_at: t(), updated_at: t() }),
      ).id,
    assignedDevice: (userId: number): number => {
      const id = device();
      sql.run(db.insertInto('device_assignments').values({ device_id: id, user_id: userId, assigned_at: t() }));
      return id;
    },
  };
}

export type Makers = ReturnType<typeof makers>;

/** A one-move blueprint, as the planner writes them. */
export const tinyBlueprint = {
  seed: 1,
  tempo: 128,
  startS: 0.5,
  endS: 4.25,
  totalCounts: 8,
  objective: 1.2,
  params: {
    level: 'beginner',
    maxDifficulty: 2,
    targetDifficulty: 1.5,
    style: null,
    energy: 0.5,
    durationS: null,
    focus: [],
    exclude: [],
    matched: {},
  },
  steps: [
    {
      moveId: 'basic-side',
      name: 'Side basic',
      counts: 8,
      startCount: 0,
      startS: 0.5,
      endS: 4.25,
      section: 'verse',
      from: 'closed',
      to: 'closed',
      why: ['difficulty 1 fits beginner'],
    },
  ],
};
