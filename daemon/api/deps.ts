/** What the API routes need from the daemon, injected (no singletons). */
import type { ApiContext } from './router.js';
import type { RecordChanged, Sql } from '../store/sql.js';
import type { Tokens } from './auth/tokens.js';
import type { LoginLimiter } from './auth/login-limiter.js';
import type { ComponentHealth } from '../../drivers/health/registry.js';
import type { HapticOutput } from '../../drivers/haptic.js';
import type { GestureTeacher } from '../../models/patterns/learn.js';
import type { LiveMapping } from '../mapping/live-mapping.js';
import type { MusicClock } from '../clock/music-clock.js';
import type { Playback } from '../playback/playback.js';
import type { LivePlayer } from '../choreography/live-player.js';
import type { SongAnalysis, SongStyle } from '../../models/music/song-analysis.js';
import type { SyncStatus } from '../../sync/sync-client.js';
import type { Move } from '../../config/moves.js';
import type { Understood } from '../choreography/understand.js';
import type { ConsoleFeed } from '../console/feed.js';
import type { SlotList } from '../store/slots.js';

/** The live hardware side the API reads: the health registry and the haptic outputs by name. */
export interface HardwareView {
  health(): ComponentHealth[];
  haptics: ReadonlyMap<string, HapticOutput>;
  /** The music clock and mapping rules; absent in tests of other routes. */
  room?: RoomView;
  /** Cloud sync; absent when sync.enabled is off (and in tests of other routes). */
  sync?: { status(): SyncStatus; syncNow(): void };
  /** The live side the console page streams; absent in tests of other routes. */
  console?: ConsoleFeed;
  /** Told of every record the API writes, after it committed (the daemon announces it on the bus). */
  changed?: RecordChanged;
}

/** What the mapping and clock routes use of the room. */
export interface RoomView {
  mapping: LiveMapping;
  clock: MusicClock;
  /** Song playback; absent where no room runs. */
  playback?: Playback;
  /** A blueprint played live; absent where no room runs. */
  live?: LivePlayer;
  /** The dancer slots of the current event (or the floor); absent where no room runs. */
  slots?: () => SlotList;
}

/** The song library's storage and analysis. */
export interface SongDeps {
  /** Where song files are written for ffmpeg. */
  cacheDir: string;
  maxBytes: number;
  /** `octave`: count an octave faster (1) or slower (-1) than heard. */
  analyse(file: string, style?: SongStyle, octave?: -1 | 0 | 1): Promise<SongAnalysis>;
}

export interface ApiDeps {
  sql: Sql;
  tokens: Tokens;
  limiter: LoginLimiter;
  /** The client's address for login throttling (the socket's peer address in the daemon). */
  clientAddress(c: ApiContext): string;
  openRegistration: boolean;
  maxSampleBytes: number;
  songs: SongDeps;
  hardware: HardwareView;
  /** The move library (config/moves). */
  moves: Move[];
  /** Request understanding: the configured model, falling back to the local parser. */
  understand(text: string): Promise<Understood>;
  /** The choreography task runner; absent where none runs. */
  choreoTasks?: { poke(): void; cancel(id: number): boolean };
  /** Embeds gesture features for learning patterns by example; absent when the gesture model is not loaded. */
  gestures: GestureTeacher | undefined;
}
