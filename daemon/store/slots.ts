/**
 * Dancer slots: each dancer holds a number 1..N for the current event (or on the floor when no
 * event runs), and outputs address slots, never wearables. A slot belongs to the dancer, not to
 * the band: when a band is swapped mid-night the new band's data arrives under the same slot.
 * A band assigned to nobody holds a slot of its own; given to a dancer who has none yet, the
 * dancer takes that slot over, so the light the band was driving stays theirs. Slots are
 * handed out lowest-free-first and kept for the whole scope, so a dancer who checks out and
 * back in finds their fixture where they left it.
 *
 * Read on the hot path by device key: cached for TTL_MS, and dropped at once when an
 * assignment, a registration or an event changes (`refresh`).
 */
import type BetterSqlite3 from 'better-sqlite3';

export const SLOT_TTL_MS = 1000;

export interface SlotEntry {
  slot: number;
  /** The dancer holding it, or null for a band assigned to nobody. */
  userId: number | null;
  userName: string | null;
  /** The bands the holder wears now (empty when they wear none). */
  deviceKeys: string[];
  assignedAt: number;
}

export interface SlotList {
  /** `event:<id>` or `floor`. */
  scope: string;
  eventId: number | null;
  slots: SlotEntry[];
}

export class SlotDirectory {
  private readonly cache = new Map<string, { slot: number | undefined; until: number }>();
  private event: () => number | null;
  private readonly wearerOf: BetterSqlite3.Statement<[string], { user_id: number }>;
  private readonly held: BetterSqlite3.Statement<[string, string], { slot: number }>;
  private readonly handOver: BetterSqlite3.Statement<[string, string, string], unknown>;
  private readonly claim: BetterSqlite3.Statement<[{ scope: string; holder: string; at: number }], unknown>;
  private readonly checkedIn: BetterSqlite3.Statement<[number], { user_id: number }>;
  private readonly listed: BetterSqlite3.Statement<[string], { holder: string; slot: number; assigned_at: number }>;
  private readonly worn: BetterSqlite3.Statement<[], { user_id: number; device_key: string }>;
  private readonly username: BetterSqlite3.Statement<[number], { username: string }>;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly now: () => number,
    currentEvent: (now: number) => number | null,
  ) {
    this.event = () => currentEvent(this.now());
    this.wearerOf = sqlite.prepare(
      `SELECT a.user_id FROM devices d JOIN device_assignments a ON a.device_id = d.id AND a.released_at IS NULL
       WHERE d.device_key = ?`,
    );
    this.held = sqlite.prepare('SELECT slot FROM dancer_slots WHERE scope = ? AND holder = ?');
    this.handOver = sqlite.prepare('UPDATE dancer_slots SET holder = ? WHERE scope = ? AND holder = ?');
    // The lowest number no one in the scope holds.
    this.claim = sqlite.prepare(
      `INSERT INTO dancer_slots (scope, holder, slot, assigned_at)
       SELECT @scope, @holder,
         CASE WHEN NOT EXISTS (SELECT 1 FROM dancer_slots WHERE scope = @scope AND slot = 1) THEN 1
         ELSE (SELECT MIN(s.slot + 1) FROM dancer_slots s WHERE s.scope = @scope
           AND NOT EXISTS (SELECT 1 FROM dancer_slots t WHERE t.scope = @scope AND t.slot = s.slot + 1)) END,
         @at
       WHERE NOT EXISTS (SELECT 1 FROM dancer_slots WHERE scope = @scope AND holder = @holder)`,
    );
    this.checkedIn = sqlite.prepare(
      `SELECT user_id FROM registrations WHERE event_id = ? AND is_active = 1
       AND checked_in_at IS NOT NULL AND checked_out_at IS NULL ORDER BY checked_in_at, id`,
    );
    this.listed = sqlite.prepare('SELECT holder, slot, assigned_at FROM dancer_slots WHERE scope = ? ORDER BY slot');
    this.worn = sqlite.prepare(
      `SELECT a.user_id, d.device_key FROM device_assignments a JOIN devices d ON d.id = a.device_id
       WHERE a.released_at IS NULL ORDER BY d.device_key`,
    );
    this.username = sqlite.prepare('SELECT username FROM users WHERE id = ?');
  }

  /** Follow the daemon's cached current event rather than asking the store each time. */
  followEvent(currentEvent: () => number | null): void {
    this.event = currentEvent;
  }

  /** The slot the device's wearer (or the unassigned device) holds, claiming one if needed; undefined when the store cannot be read. */
  slotOf(deviceKey: string): number | undefined {
    const t = this.now();
    const hit = this.cache.get(deviceKey);
    if (hit && hit.until > t) return hit.slot;
    let slot: number | undefined;
    try {
      const wearer = this.wearerOf.get(deviceKey);
      const scope = this.scope();
      if (wearer) {
        const user = `user:${wearer.user_id}`;
        // A dancer without a slot takes over the one their band held unassigned.
        if (!this.held.get(scope, user)) this.handOver.run(user, scope, `device:${deviceKey}`);
        slot = this.take(scope, user);
      } else slot = this.take(scope, `device:${deviceKey}`);
    } catch {
      // The store cannot be read or written (a full disk): this sample has no slot, the next one asks again.
      slot = undefined;
    }
    this.cache.set(deviceKey, { slot, until: t + SLOT_TTL_MS });
    return slot;
  }

  /** An assignment, registration or event changed: ask again on the next sample, and give checked-in dancers their slots. */
  refresh(): void {
    this.cache.clear();
    try {
      const event = this.event();
      if (event !== null) for (const r of this.checkedIn.all(event)) this.take(`event:${event}`, `user:${r.user_id}`);
    } catch {
      // Claimed lazily on the dancer's first sample instead.
    }
  }

  /** The current scope's slots, with who holds each and the bands they wear now. */
  list(): SlotList {
    const eventId = this.event();
    const scope = this.scope(eventId);
    const rows = this.listed.all(scope);
    const worn = this.worn.all();
    return {
      scope,
      eventId,
      slots: rows.map((r) => {
        const [kind, id] = splitHolder(r.holder);
        const userId = kind === 'user' ? Number(id) : null;
        const user = userId === null ? undefined : this.username.get(userId);
        return {
          slot: r.slot,
          userId,
          userName: user?.username ?? null,
          // A band's own slot names it only while nobody wears it (once worn, its data goes out under the wearer's).
          deviceKeys:
            userId === null
              ? worn.some((w) => w.device_key === id)
                ? []
                : [id]
              : worn.filter((w) => w.user_id === userId).map((w) => w.device_key),
          assignedAt: r.assigned_at,
        };
      }),
    };
  }

  private scope(eventId = this.event()): string {
    return eventId === null ? 'floor' : `event:${eventId}`;
  }

  private take(scope: string, holder: string): number | undefined {
    const existing = this.held.get(scope, holder);
    if (existing) return existing.slot;
    this.claim.run({ scope, holder, at: this.now() });
    return this.held.get(scope, holder)?.slot;
  }
}

function splitHolder(holder: string): [string, string] {
  const at = holder.indexOf(':');
  return [holder.slice(0, at), holder.slice(at + 1)];
}
