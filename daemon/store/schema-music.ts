/**
 * The box store's tables of the music side, as Kysely types: songs and their selections and
 * samples, sound and visualization events, choreography tasks, collections. Part of
 * `Database` in schema.ts (the drift test reads them through it).
 */
import type { Generated } from 'kysely';

type Id = Generated<number>;
type Ms = number;
export interface SoundEventsTable {
  id: Id;
  event_id: number | null;
  movement_data_id: number | null;
  occurred_at: Ms;
  sound_type: string;
  parameters: Generated<string>;
  duration_ms: number | null;
  intensity: number | null;
}

export interface SongSelectionsTable {
  id: Id;
  user_id: number;
  event_id: number | null;
  /** The library song this selection is, if it is in the library. */
  song_id: number | null;
  title: string;
  artist: string | null;
  duration_s: number | null;
  audio_features: Generated<string>;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  selected_at: Ms;
  updated_at: Ms;
}

export interface SoundSamplesTable {
  id: Id;
  name: string;
  category: string;
  mime_type: string;
  size_bytes: number;
  duration_s: number | null;
  sample_rate: number | null;
  data: Buffer;
  created_at: Ms;
}

export interface SongsTable {
  id: Id;
  title: string;
  artist: string | null;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  data: Buffer;
  duration_s: number;
  tempo: number | null;
  /** JSON SongAnalysis */
  analysis: string;
  created_at: Ms;
  updated_at: Ms;
}

export interface VisualizationEventsTable {
  id: Id;
  event_id: number | null;
  occurred_at: Ms;
  viz_type: string;
  parameters: Generated<string>;
  duration_ms: number | null;
  intensity: number | null;
}

export type ChoreoTaskStatus =
  'pending' | 'analysing' | 'planning' | 'rendering' | 'completed' | 'failed' | 'cancelled';

export interface ChoreoTasksTable {
  id: Id;
  user_id: number | null;
  song_id: number | null;
  query: string;
  /** JSON ChoreoParams understood when the task was queued (null: parse `query` locally). */
  params: string | null;
  seed: number;
  render: number;
  status: ChoreoTaskStatus;
  progress: Generated<number>;
  error: string | null;
  /** JSON Blueprint, once planned. */
  blueprint: string | null;
  video_path: string | null;
  attempts: Generated<number>;
  created_at: Ms;
  updated_at: Ms;
  started_at: Ms | null;
  finished_at: Ms | null;
}

export interface CollectionsTable {
  id: Id;
  user_id: number | null;
  name: string;
  description: string | null;
  song_id: number | null;
  task_id: number | null;
  /** JSON Blueprint. */
  blueprint: string;
  created_at: Ms;
  updated_at: Ms;
}
