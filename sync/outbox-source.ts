/**
 * What the sync client needs from the box's store, as an interface: the daemon implements it
 * over SQLite (daemon/store/outbox.ts), tests may implement it over anything.
 */
import type { SyncEntity, SyncRecord } from './contract.js';

export interface Taken {
  /** Serialised records in seq order, one per entity id (the newest entry wins). */
  records: SyncRecord[];
  /** The last outbox seq examined (records skipped as gone or withheld included). */
  lastSeq: number;
  /** Entries examined that produced no record (row deleted since, or consent withdrawn since). */
  skipped: number;
}

export interface Backlog {
  entries: number;
  byEntity: Partial<Record<SyncEntity, number>>;
  /** Wall-clock ms of the oldest unsent entry, or null when there is none. */
  oldestAt: number | null;
}

export interface OutboxSource {
  readonly boxId: string;
  /** The cloud URL and this box's credential, once enrolled. */
  credential(): { url: string; token: string } | undefined;
  /** Acknowledged seq per entity (0 when nothing was acknowledged yet). */
  cursors(): Map<SyncEntity, number>;
  /** When the cloud last acknowledged anything (kept in the store, so it outlives a restart); null for never. */
  lastAckedAt(): number | null;
  take(entity: SyncEntity, afterSeq: number, limit: number): Taken;
  /** Moves the cursors, in one transaction, after the cloud acknowledged a batch. */
  ack(cursors: Map<SyncEntity, number>, at: number): void;
  /** With `cap`, each table's count stops at `cap` (what the send loop needs: "is there a batch's worth?"), so a huge backlog costs no more than a small one. */
  backlog(entities: readonly SyncEntity[], cursors: Map<SyncEntity, number>, cap?: number): Backlog;
}
