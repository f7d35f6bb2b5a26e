/**
 * Synchronous execution of Kysely-built queries on the store's better-sqlite3 handle.
 *
 * Why not Kysely's async `execute()`: the batch writer shares the same connection, and an
 * async transaction yields between statements; a batch flush landing in that gap would
 * join the API's transaction (and vanish with its rollback). Compiling with Kysely and
 * running each request's statements synchronously keeps every transaction indivisible.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable, Kysely } from 'kysely';
import type { Database, OutboxEntity } from './schema.js';

export type Op = 'upsert' | 'delete';

/** Told of each record written, once its transaction committed. */
export type RecordChanged = (table: OutboxEntity, id: number) => void;

export class Sql {
  private readonly outboxInsert: BetterSqlite3.Statement;
  /** Changes made inside the running `tx`, announced when it commits (dropped if it rolls back). */
  private pending: [OutboxEntity, number][] | undefined;

  constructor(
    readonly sqlite: BetterSqlite3.Database,
    readonly db: Kysely<Database>,
    readonly now: () => number,
    private readonly changed: RecordChanged = () => undefined,
  ) {
    this.outboxInsert = sqlite.prepare('INSERT INTO outbox (entity, entity_id, op, created_at) VALUES (?, ?, ?, ?)');
  }

  all<O>(query: Compilable<O>): O[] {
    const q = query.compile();
    return this.sqlite.prepare(q.sql).all(...(q.parameters as unknown[])) as O[];
  }

  first<O>(query: Compilable<O>): O | undefined {
    const q = query.compile();
    return this.sqlite.prepare(q.sql).get(...(q.parameters as unknown[])) as O | undefined;
  }

  /** Runs a write; returns the new row id (inserts) and the number of rows changed. */
  run(query: Compilable<unknown>): { id: number; changes: number } {
    const q = query.compile();
    const r = this.sqlite.prepare(q.sql).run(...(q.parameters as unknown[]));
    return { id: Number(r.lastInsertRowid), changes: r.changes };
  }

  /** Records a change for the cloud; call inside `tx` so the row and its entry land together. */
  outbox(entity: OutboxEntity, id: number, op: Op = 'upsert'): void {
    this.outboxInsert.run(entity, id, op, this.now());
    if (this.pending) this.pending.push([entity, id]);
    else this.changed(entity, id);
  }

  /** One SQLite transaction around `fn` (which must be synchronous). */
  tx<T>(fn: () => T): T {
    if (this.pending) return this.sqlite.transaction(fn)(); // nested: the outer one announces
    this.pending = [];
    let done: [OutboxEntity, number][] = [];
    try {
      const result = this.sqlite.transaction(fn)();
      done = this.pending;
      return result;
    } finally {
      this.pending = undefined;
      for (const [entity, id] of done) this.changed(entity, id);
    }
  }
}
