/**
 * A dancer's rights on the box, through the API on a real store: the export holds exactly the
 * dancer's rows (counted against the store) and nobody else's; the consent history records each
 * change; staff reads of biometrics and the console's vitals stream are in the access log with
 * who and when; an erasure leaves none of the dancer's rows, touches no one else's, queues one
 * erasure for the cloud, and a second one changes nothing.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from '../../helpers/api-app.js';
import { seedDancerData, type Seeded } from '../../helpers/dancer-data.js';
import { unzipText } from '../../helpers/unzip.js';

let api: ApiHarness;
let dancer: Seeded;
let other: Seeded;
const t0 = Date.parse('2026-11-28T21:00:00Z');

/** A digest of every row of `table` matching `where`: what "untouched" is checked by. */
function digest(table: string, where: string, ...args: unknown[]): { n: number; sha: string } {
  const rows = api.store.sqlite.prepare(`SELECT * FROM ${table} WHERE ${where} ORDER BY id`).all(...args);
  return {
    n: rows.length,
    sha: createHash('sha256')
      .update(JSON.stringify(rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
      .digest('hex'),
  };
}
const count = (sqlText: string, ...args: unknown[]): number =>
  (api.store.sqlite.prepare(sqlText).get(...args) as { n: number }).n;

beforeAll(async () => {
  api = await apiHarness();
  dancer = seedDancerData(api.store.sqlite, { userId: api.ids.dancer, band: 'sim:band-d', t0, seconds: 120 });
  other = seedDancerData(api.store.sqlite, { userId: api.ids.other, band: 'sim:band-o', t0, seconds: 90 });
  seedDancerData(api.store.sqlite, { userId: null, band: 'sim:band-free', t0, seconds: 30 });
});
afterAll(() => api?.stop());

describe("a dancer's data rights on the box", () => {
  it('keeps every consent change with who and how', async () => {
    const put = await api.call(`/api/v1/users/${api.ids.dancer}`, {
      method: 'PUT',
      token: api.tokens.dancer,
      body: { consent_cloud_sync: true },
    });
    expect(put.status).toBe(200);
    const history = await api.call(`/api/v1/users/${api.ids.dancer}/consents`, { token: api.tokens.dancer });
    expect(history.status).toBe(200);
    expect(history.body).toEqual([
      expect.objectContaining({ consent: 'biometrics', granted: true, via: 'api' }),
      expect.objectContaining({ consent: 'cloud_sync', granted: true, changed_by: api.ids.dancer, via: 'api' }),
    ]);
    expect((await api.call(`/api/v1/users/${api.ids.dancer}/consents`, { token: api.tokens.other })).status).toBe(403);
  });

  it("logs staff reads of a dancer's biometrics and the console's vitals stream, with who and when", async () => {
    const before = Date.now();
    expect(
      (await api.call('/api/v1/biometrics/data', { token: api.tokens.technician, query: { limit: 500 } })).status,
    ).toBe(200);
    const stream = await api.call('/api/v1/console/stream', {
      token: api.tokens.admin,
      query: { device: 'sim:band-d', once: 'true' },
    });
    expect(stream.status).toBe(200);
    // A dancer reading their own data is their right, not an access to account for.
    await api.call('/api/v1/biometrics/data', { token: api.tokens.dancer });
    const log = await api.call('/api/v1/access-log', { token: api.tokens.admin, query: { user_id: api.ids.dancer } });
    expect(log.status).toBe(200);
    const entries = log.body as {
      actor: string;
      actor_role: string;
      action: string;
      at: string;
      detail: Record<string, unknown>;
    }[];
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['admin', 'console.vitals'],
      ['technician', 'api.biometrics'],
    ]);
    for (const e of entries) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(entries[0]!.detail).toMatchObject({ device: 'sim:band-d' });
    expect((await api.call('/api/v1/access-log', { token: api.tokens.technician })).status).toBe(403);
  });

  it("exports the dancer's archive: counts match the store, and it holds nobody else's rows", async () => {
    const res = await api.app.request(`/api/v1/users/${api.ids.dancer}/export`, {
      headers: { authorization: `Bearer ${api.tokens.dancer}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const files = await unzipText(Buffer.from(await res.arrayBuffer()));
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        'README.md',
        'account.json',
        'consents.json',
        'biometrics.csv',
        'raw/acc.csv',
        'manifest.json',
      ]),
    );
    const account = JSON.parse(files.get('account.json')!) as Record<string, unknown>;
    expect(account).toMatchObject({ id: api.ids.dancer, username: 'dancer' });
    expect(account).not.toHaveProperty('password_hash');

    const manifest = JSON.parse(files.get('manifest.json')!) as { rows: Record<string, number> };
    const uid = api.ids.dancer;
    expect(manifest.rows['biometrics.csv']).toBe(
      count('SELECT count(*) AS n FROM biometric_data WHERE user_id = ?', uid),
    );
    expect(manifest.rows['inferences.csv']).toBe(count('SELECT count(*) AS n FROM inferences WHERE user_id = ?', uid));
    expect(manifest.rows['raw/acc.csv']).toBe(
      count('SELECT coalesce(sum(sample_count), 0) AS n FROM stream_chunks WHERE device_id = ?', dancer.deviceId),
    );
    expect(manifest.rows['biometrics.csv']).toBe(dancer.biometrics);
    expect(manifest.rows['raw/acc.csv']).toBe(dancer.samples);
    expect(manifest.rows['consents.json']).toBe(2);
    expect(manifest.rows['access_log.json']).toBe(2);

    // Every line is the dancer's: ids from their rows, samples from their band only.
    const lines = (name: string) => files.get(name)!.trimEnd().split('\r\n').slice(1);
    const bioIds = new Set(
      (api.store.sqlite.prepare('SELECT id FROM biometric_data WHERE user_id = ?').all(uid) as { id: number }[]).map(
        (r) => r.id,
      ),
    );
    expect(lines('biometrics.csv')).toHaveLength(dancer.biometrics);
    for (const l of lines('biometrics.csv')) expect(bioIds.has(Number(l.split(',')[0]))).toBe(true);
    expect(lines('raw/acc.csv')).toHaveLength(dancer.samples);
    expect(new Set(lines('raw/acc.csv').map((l) => l.split(',')[2]))).toEqual(new Set(['sim:band-d']));
    expect(files.get('biometrics.csv')).not.toContain('sim:band-o');
    expect(lines('biometrics.csv')[0]).toMatch(
      new RegExp(`^\\d+,2026-11-28T21:00:00\\.500Z,${t0 + 500},sim:band-d,,90,781;801,`),
    );
    expect(files.get('README.md')).toMatch(/heart_rate_bpm/);

    expect((await api.call(`/api/v1/users/${uid}/export`, { token: api.tokens.other })).status).toBe(403);
    expect((await api.call('/api/v1/users/9999/export', { token: api.tokens.admin })).status).toBe(404);
    const exports = await api.call('/api/v1/access-log', { token: api.tokens.admin, query: { user_id: uid } });
    expect((exports.body as { action: string; actor: string }[])[0]).toMatchObject({
      action: 'export',
      actor: 'dancer',
    });
  });

  it("erases the dancer's rows and nobody else's, queues the erasure for the cloud, and is a no-op the second time", async () => {
    const uid = api.ids.dancer;
    const othersBefore = {
      bio: digest('biometric_data', 'user_id IS NOT ? OR user_id IS NULL', uid),
      inf: digest('inferences', 'user_id IS NOT ? OR user_id IS NULL', uid),
      chunks: digest('stream_chunks', 'device_id != ?', dancer.deviceId),
      users: digest('users', 'id != ?', uid),
      reads: digest('access_log', 'subject_id IS NOT ?', uid),
    };
    const erased = await api.call(`/api/v1/users/${uid}/erasure`, { method: 'POST', token: api.tokens.dancer });
    expect(erased.status, erased.text).toBe(200);
    expect(erased.body).toMatchObject({
      status: 'erased',
      erasure: {
        user_id: uid,
        requested_by: uid,
        requested_role: 'dancer',
        erased: {
          biometric_data: dancer.biometrics,
          inferences: dancer.inferences,
          stream_chunks: dancer.chunks,
          users: 1,
          device_assignments: 1,
          consent_changes: 2,
        },
      },
    });
    for (const table of [
      'biometric_data',
      'inferences',
      'movement_data',
      'detected_patterns',
      'registrations',
      'device_assignments',
      'consent_changes',
      'collections',
      'song_selections',
      'refresh_tokens',
    ])
      expect(count(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`, uid), table).toBe(0);
    expect(count('SELECT count(*) AS n FROM users WHERE id = ?', uid)).toBe(0);
    expect(count('SELECT count(*) AS n FROM stream_chunks WHERE device_id = ?', dancer.deviceId)).toBe(0);
    expect(count('SELECT count(*) AS n FROM access_log WHERE subject_id = ?', uid)).toBe(0);
    expect({
      bio: digest('biometric_data', 'user_id IS NOT ? OR user_id IS NULL', uid),
      inf: digest('inferences', 'user_id IS NOT ? OR user_id IS NULL', uid),
      chunks: digest('stream_chunks', 'device_id != ?', dancer.deviceId),
      users: digest('users', 'id != ?', uid),
      reads: digest('access_log', 'subject_id IS NOT ?', uid),
    }).toEqual(othersBefore);
    expect(othersBefore.bio.n).toBe(other.biometrics);
    // One entry carries it to the cloud, after every entry of the dancer's data.
    const queued = api.store.sqlite.prepare("SELECT seq FROM outbox WHERE entity = 'erasures'").all() as {
      seq: number;
    }[];
    expect(queued).toHaveLength(1);
    expect(queued[0]!.seq).toBe(count('SELECT max(seq) AS n FROM outbox'));
    // The dancer's logins ended with the account.
    expect((await api.call('/api/v1/users/me', { token: api.tokens.dancer })).status).toBe(401);

    const again = await api.call(`/api/v1/users/${uid}/erasure`, { method: 'POST', token: api.tokens.admin });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'already_erased', erasure: { user_id: uid } });
    expect(count("SELECT count(*) AS n FROM outbox WHERE entity = 'erasures'")).toBe(1);
    const list = await api.call('/api/v1/erasures', { token: api.tokens.admin });
    expect(list.body).toEqual([expect.objectContaining({ user_id: uid, requested_by: uid, via: 'api' })]);
    expect(JSON.stringify(list.body)).not.toMatch(/dancer@example|username|pseudonym/);
  });
});
