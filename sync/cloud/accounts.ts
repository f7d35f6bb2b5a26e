/**
 * Organisations, venues, dashboard users and boxes: who may do what. Dashboard users log in
 * with a password (argon2id) and get a short-lived HS256 token; a box enrols once with a
 * one-time code made by an organisation admin, and from then on sends its own credential
 * (a random token of which the cloud keeps only the SHA-256).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { sign, verify as verifyJwt } from 'hono/jwt';
import type { Kysely } from 'kysely';
import { CloudError, forbidden, notFound } from './errors.js';
import type { CloudDatabase, OrgRole } from './schema.js';

export type Principal =
  | { kind: 'user'; id: number; email: string; roles: Map<number, OrgRole> }
  | { kind: 'box'; id: number; uid: string; venueId: number; orgId: number };

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const rank: Record<OrgRole, number> = { viewer: 0, admin: 1, owner: 2 };
const TOKEN_TTL_S = 3600;
const CODE_TTL_MS = 24 * 3600_000;
/** No 0/O, 1/I/L: a technician types this from a phone screen at 1 a.m. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$WEqLVJtLfTmHN1hvgMkoDg$eYWteCTzSJK9IdvAu97+91D9HGZGyqs28KuemmCmPhk';

export class Accounts {
  private secret: string | undefined;

  constructor(
    private readonly db: Kysely<CloudDatabase>,
    private readonly now: () => number = Date.now,
  ) {}

  private async jwtSecret(): Promise<string> {
    this.secret ??= (
      await this.db.selectFrom('cloud_meta').select('value').where('key', '=', 'jwt_secret').executeTakeFirstOrThrow()
    ).value;
    return this.secret;
  }

  async createOrg(
    name: string,
    owner: { email: string; password: string },
  ): Promise<{ orgId: number; userId: number }> {
    const userId = await this.ensureUser(owner.email, owner.password);
    return this.db.transaction().execute(async (tx) => {
      const taken = await tx.selectFrom('orgs').select('id').where('name', '=', name).executeTakeFirst();
      if (taken) throw new CloudError(409, 'duplicate_org', `an organisation named "${name}" exists`, 'body.name');
      const org = await tx
        .insertInto('orgs')
        .values({ name, created_at: this.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('memberships')
        .values({ user_id: userId, org_id: org.id, role: 'owner', created_at: this.now() })
        .execute();
      return { orgId: org.id, userId };
    });
  }

  /** Adds (or changes the role of) a member; a new email becomes a user with the given password. */
  async addMember(orgId: number, email: string, role: OrgRole, password: string | undefined): Promise<number> {
    const existing = await this.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    if (!existing && !password)
      throw new CloudError(
        422,
        'validation_failed',
        `body.password: required for a new user (${email} has no account yet)`,
        'body.password',
      );
    const userId = existing?.id ?? (await this.ensureUser(email, password!));
    await this.db
      .insertInto('memberships')
      .values({ user_id: userId, org_id: orgId, role, created_at: this.now() })
      .onConflict((oc) => oc.columns(['user_id', 'org_id']).doUpdateSet({ role }))
      .execute();
    return userId;
  }

  private async ensureUser(email: string, password: string): Promise<number> {
    const key = email.toLowerCase();
    const found = await this.db
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('email', '=', key)
      .executeTakeFirst();
    if (found) {
      if (!(await verify(found.password_hash, password).catch(() => false)))
        throw new CloudError(409, 'user_exists', `${email} already has an account with another password`, 'body.email');
      return found.id;
    }
    const row = await this.db
      .insertInto('users')
      .values({ email: key, password_hash: await hash(password), created_at: this.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async createVenue(orgId: number, name: string): Promise<number> {
    const taken = await this.db
      .selectFrom('venues')
      .select('id')
      .where('org_id', '=', orgId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (taken)
      throw new CloudError(
        409,
        'duplicate_venue',
        `this organisation already has a venue named "${name}"`,
        'body.name',
      );
    return (
      await this.db
        .insertInto('venues')
        .values({ org_id: orgId, name, created_at: this.now() })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  }

  /** A one-time enrolment code for a venue, valid 24 h (or `ttlMs`); only its hash is kept. */
  async enrolmentCode(
    venueId: number,
    createdBy: number,
    ttlMs = CODE_TTL_MS,
  ): Promise<{ code: string; expiresAt: number }> {
    const raw = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const code = `${raw.slice(0, 5)}-${raw.slice(5)}`;
    const expiresAt = this.now() + ttlMs;
    await this.db
      .insertInto('enrolment_codes')
      .values({
        code_hash: sha256(raw),
        venue_id: venueId,
        created_by: createdBy,
        created_at: this.now(),
        expires_at: expiresAt,
        used_at: null,
        used_by_box: null,
      })
      .execute();
    return { code, expiresAt };
  }

  /**
   * Spends a code (once, atomically) and gives the box its credential. A box enrolling again
   * (a new code for the same venue) gets a new credential and the old one stops working.
   */
  async enrol(code: string, uid: string, name: string): Promise<{ token: string; venueId: number; orgId: number }> {
    const codeHash = sha256(code.toUpperCase().replace(/[^A-Z0-9]/g, ''));
    const token = `cbx_${randomBytes(32).toString('base64url')}`;
    const t = this.now();
    return this.db.transaction().execute(async (tx) => {
      const spent = await tx
        .updateTable('enrolment_codes')
        .set({ used_at: t })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', t)
        .returning('venue_id')
        .executeTakeFirst();
      if (!spent)
        throw new CloudError(
          403,
          'invalid_code',
          'this enrolment code is unknown, already used or expired; ask your organisation admin for a new one',
          'body.code',
        );
      const venue = await tx
        .selectFrom('venues')
        .select(['id', 'org_id'])
        .where('id', '=', spent.venue_id)
        .executeTakeFirstOrThrow();
      const existing = await tx
        .selectFrom('boxes')
        .select(['id', 'venue_id'])
        .where('uid', '=', uid)
        .executeTakeFirst();
      if (existing && existing.venue_id !== venue.id)
        throw new CloudError(
          409,
          'enrolled_elsewhere',
          `box ${uid} is enrolled at another venue; that venue's admin must remove it first`,
          'body.box',
        );
      let boxId: number;
      if (existing) {
        await tx
          .updateTable('boxes')
          .set({ token_hash: sha256(token), name, enrolled_at: t })
          .where('id', '=', existing.id)
          .execute();
        boxId = existing.id;
      } else {
        boxId = (
          await tx
            .insertInto('boxes')
            .values({ uid, venue_id: venue.id, name, token_hash: sha256(token), enrolled_at: t, last_seen_at: null })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      }
      await tx.updateTable('enrolment_codes').set({ used_by_box: boxId }).where('code_hash', '=', codeHash).execute();
      return { token, venueId: venue.id, orgId: venue.org_id };
    });
  }

  async login(email: string, password: string): Promise<{ token: string; expiresIn: number } | undefined> {
    const user = await this.db
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    const ok = await verify(user?.password_hash ?? DUMMY_HASH, password).catch(() => false);
    if (!ok || !user) return undefined;
    const iat = Math.floor(this.now() / 1000);
    return {
      token: await sign({ sub: String(user.id), iat, exp: iat + TOKEN_TTL_S }, await this.jwtSecret(), 'HS256'),
      expiresIn: TOKEN_TTL_S,
    };
  }

  /** Who is calling: a dashboard user (JWT) or a box (its credential); memberships read fresh each time. */
  async principal(bearer: string | undefined): Promise<Principal | undefined> {
    if (!bearer) return undefined;
    if (bearer.startsWith('cbx_')) {
      const box = await this.db
        .selectFrom('boxes')
        .innerJoin('venues', 'venues.id', 'boxes.venue_id')
        .select(['boxes.id', 'boxes.uid', 'boxes.venue_id', 'venues.org_id'])
        .where('boxes.token_hash', '=', sha256(bearer))
        .executeTakeFirst();
      return box && { kind: 'box', id: box.id, uid: box.uid, venueId: box.venue_id, orgId: box.org_id };
    }
    let sub: number;
    try {
      const payload = await verifyJwt(bearer, await this.jwtSecret(), 'HS256');
      sub = Number(payload.sub);
    } catch {
      return undefined;
    }
    const user = await this.db.selectFrom('users').select(['id', 'email']).where('id', '=', sub).executeTakeFirst();
    if (!user) return undefined;
    const roles = await this.db
      .selectFrom('memberships')
      .select(['org_id', 'role'])
      .where('user_id', '=', user.id)
      .execute();
    return { kind: 'user', id: user.id, email: user.email, roles: new Map(roles.map((r) => [r.org_id, r.role])) };
  }

  /** The organisation, if the caller belongs to it with at least `min`; 404 when not a member at all. */
  orgAccess(p: Principal, orgId: number, min: OrgRole): void {
    if (p.kind === 'box') {
      if (p.orgId !== orgId) throw notFound('organisation', orgId);
      if (min !== 'viewer') throw forbidden('a box credential may only read its own venue');
      return;
    }
    const role = p.roles.get(orgId);
    if (!role) throw notFound('organisation', orgId);
    if (rank[role] < rank[min]) throw forbidden(`this needs the role ${min} in the organisation; you are ${role}`);
  }

  /** The venue's row, if the caller may see it with at least `min` (a box sees its own venue only). */
  async venueAccess(
    p: Principal,
    venueId: number,
    min: OrgRole,
  ): Promise<{ id: number; org_id: number; name: string }> {
    const venue = await this.db
      .selectFrom('venues')
      .select(['id', 'org_id', 'name'])
      .where('id', '=', venueId)
      .executeTakeFirst();
    if (!venue || (p.kind === 'box' && p.venueId !== venue.id) || (p.kind === 'user' && !p.roles.has(venue.org_id)))
      throw notFound('venue', venueId);
    this.orgAccess(p, venue.org_id, min);
    return venue;
  }
}
