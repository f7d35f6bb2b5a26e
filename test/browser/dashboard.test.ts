/**
 * The cloud dashboard in Chromium: `codance cloud` on a real PostgreSQL receives a simulated
 * venue's session from the built daemon, then a dashboard user signs in, sees the venue's box
 * with its last-seen time, opens the synced session and sees its crowd charts, the dancer who
 * consented to cloud sync (and not the one who did not), detected patterns and output events,
 * and downloads the crowd stream as CSV, with the row count the summary promises. axe-core
 * finds no serious violation on any view; nothing is fetched from outside the cloud.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeViolations, openBrowser, seriousViolations, type Browser } from '../helpers/browser.js';
import { freePort, sleep, startDaemon, tempDir, waitForHealth, type DaemonProcess } from '../helpers/daemon-process.js';
import { startCloud } from '../helpers/cloud-process.js';
import { postgres, type Postgres } from '../helpers/postgres.js';
import { runCliAsync } from '../helpers/run-cli.js';
import { seedSession } from '../helpers/box-session.js';

let pg: Postgres | undefined;
let cloud: ChildProcess | undefined;
let daemon: DaemonProcess | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  daemon?.child.kill('SIGKILL');
  cloud?.kill('SIGTERM');
  pg?.stop();
});

describe('cloud dashboard', () => {
  it(
    'shows venues and boxes, opens a synced session with its charts, dancers, patterns and events, and exports CSV',
    { timeout: 180_000 },
    async () => {
      pg = await postgres();
      const started = await startCloud(pg, 'dashboard_cloud');
      cloud = started.proc;
      const { db: url, origin } = started;
      const org = await runCliAsync(
        ['cloud', 'org', 'create', '--name', 'Salsa Co', '--owner', 'ops@salsa.example', '--db', url],
        'a long enough password\n',
      );
      expect(org.code, org.out).toBe(0);
      const api = (path: string, init: RequestInit & { token?: string } = {}) =>
        fetch(`${origin}${path}`, {
          ...init,
          headers: { 'content-type': 'application/json', ...(init.token && { authorization: `Bearer ${init.token}` }) },
        }).then((r) => r.json() as Promise<Record<string, unknown>>);
      const token = (
        await api('/api/v1/auth/login', {
          method: 'POST',
          body: JSON.stringify({ email: 'ops@salsa.example', password: 'a long enough password' }),
        })
      ).access_token as string;
      const venue = await api('/api/v1/orgs/1/venues', {
        method: 'POST',
        token,
        body: JSON.stringify({ name: 'Main hall' }),
      });
      const code = (await api(`/api/v1/venues/${venue.id as number}/enrolment-codes`, { method: 'POST', token }))
        .code as string;

      // The box: a simulated venue whose phrases fire a visualization event, enrolled to the cloud.
      const dir = tempDir('codance-dashboard-');
      const dbPath = join(dir, 'codance.db');
      const configFile = join(dir, 'box.yaml');
      writeFileSync(
        configFile,
        `box: { name: dash-venue }
store: { path: ${dbPath}, chunkMs: 500 }
simulation: { dancers: 4, seed: 5, bpm: 126, mood: 0.8 }
sync: { maxDelayMs: 300 }
osc: { in: { port: 0 }, query: { port: 0, mdns: false } }
mapping:
  presets:
    flash: { kind: visualization, rules: [{ id: phrase-flash, source: { kind: clock, on: phrase }, target: { kind: visualization, type: flash } }] }
  active: { visualization: flash }
`,
      );
      const enrolled = await runCliAsync(['sync', 'enrol', '--cloud', origin, '--code', code, '-c', configFile]);
      expect(enrolled.code, enrolled.out).toBe(0);
      // Friday's session: Nora (biometrics recorded, not synced) wears band 1, Cleo (both) band 2.
      const {
        eventId,
        users: { cleo },
      } = seedSession(dbPath, { name: 'Friday social', location: 'Main hall' }, [
        { name: 'nora', cloudConsent: false, band: 'sim-band-001', pseudonym: 'pnora9876543' },
        { name: 'cleo', cloudConsent: true, band: 'sim-band-002', pseudonym: 'pcleo9876543' },
      ]);

      const port = await freePort();
      daemon = startDaemon({ port, args: ['--config', configFile] });
      await waitForHealth(port, 20_000);
      await sleep(14_000);
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
      daemon = undefined;
      // Two detections of a learned "dip" on Cleo (rows as the pipeline writes them; learning a
      // pattern from examples is tested with the gesture model elsewhere).
      const after = new BetterSqlite3(dbPath);
      const t = Date.now();
      const pattern = Number(
        after
          .prepare(
            `INSERT INTO movement_patterns (name, description, pattern_data, created_at, updated_at) VALUES ('dip', 'a dip', '{}', ?, ?)`,
          )
          .run(t, t).lastInsertRowid,
      );
      after
        .prepare('INSERT INTO outbox (entity, entity_id, op, created_at) VALUES (?, ?, ?, ?)')
        .run('movement_patterns', pattern, 'upsert', t);
      for (const [dt, confidence] of [
        [-8000, 0.91],
        [-3000, 0.84],
      ] as const) {
        const d = Number(
          after
            .prepare(
              'INSERT INTO detected_patterns (event_id, pattern_id, user_id, detected_at, confidence) VALUES (?, ?, ?, ?, ?)',
            )
            .run(eventId, pattern, cleo, t + dt, confidence).lastInsertRowid,
        );
        after
          .prepare('INSERT INTO outbox (entity, entity_id, op, created_at) VALUES (?, ?, ?, ?)')
          .run('detected_patterns', d, 'upsert', t);
      }
      // Twenty-four earlier weeks, so the venue's session list has a second page.
      for (let week = 1; week <= 24; week++) {
        const starts = t - week * 7 * 86_400_000;
        const e = Number(
          after
            .prepare('INSERT INTO events (name, starts_at, ends_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
            .run(`Week ${week}`, starts, starts + 3_600_000, t, t).lastInsertRowid,
        );
        after
          .prepare('INSERT INTO outbox (entity, entity_id, op, created_at) VALUES (?, ?, ?, ?)')
          .run('events', e, 'upsert', t);
      }
      const boxCrowd = (
        after.prepare('SELECT count(*) AS n FROM crowd_states WHERE event_id = ?').get(eventId) as { n: number }
      ).n;
      const boxFlashes = (
        after
          .prepare(`SELECT count(*) AS n FROM visualization_events WHERE event_id = ? AND viz_type = 'flash'`)
          .get(eventId) as { n: number }
      ).n;
      after.close();
      expect(boxCrowd).toBeGreaterThan(8);
      expect(boxFlashes).toBeGreaterThan(1);
      const drained = await runCliAsync(['sync', 'now', '--timeout', '60', '-c', configFile]);
      expect(drained.code, drained.out).toBe(0);

      // The dashboard, with the uplink cut: only the cloud's own origin answers.
      browser = await openBrowser(origin);
      const { page } = browser;
      await page.goto(`${origin}/dashboard`);
      await page.getByLabel('Email').waitFor();
      let violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await page.getByLabel('Email').fill('ops@salsa.example');
      await page.getByLabel('Password').fill('a long enough password');
      await page.getByRole('button', { name: 'Sign in' }).click();

      // Venues: the box and when it was last seen, and the session.
      await page.getByRole('heading', { name: 'Main hall' }).waitFor();
      expect(await page.locator('table.boxes tbody').textContent()).toMatch(/dash-venue.*(s|min) ago/);
      // The newest 20 sessions, then the rest on demand.
      const sessions = page.locator('ul.sessions li');
      expect(await sessions.count()).toBe(20);
      expect(await sessions.first().textContent()).toMatch(/^Friday social/);
      await page.getByRole('button', { name: 'Older sessions' }).click();
      await expect.poll(() => sessions.count()).toBe(25);
      expect(await sessions.last().textContent()).toMatch(/^Week 24/);
      expect(await page.getByRole('button', { name: 'Older sessions' }).isHidden()).toBe(true);
      violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await browser.shot('dashboard-venues');
      await page.getByRole('link', { name: 'Friday social' }).click();

      // The session page.
      await expect.poll(() => page.locator('#session-title').textContent(), { timeout: 15_000 }).toBe('Friday social');
      await page.locator('#session-crowd-chart canvas').first().waitFor();
      expect(await page.locator('#session-active-chart canvas').count()).toBeGreaterThan(0);
      const label = await page.locator('#session-crowd-chart').getAttribute('aria-label');
      expect(label).toMatch(/^Energy, arousal and synchrony: latest energy \d\.\d\d/);
      // Only Cleo: Nora's biometrics never left the box. Her heart rate is summarised.
      const rows = page.locator('#dancer-table tbody tr');
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().textContent()).toMatch(/^dancer pcleo98\d{2,3}\d{2,3}/);
      const timeline = await page.locator('#timeline').textContent();
      expect(timeline).toContain('pattern: dip (91 %) · dancer pcleo98');
      expect(timeline).toContain('visualization: flash');
      expect(await page.locator('#timeline li[data-kind="visualization"]').count()).toBe(boxFlashes);

      // CSV of the crowd stream: a header and one line per crowd state the box recorded.
      const download = page.waitForEvent('download');
      await page.locator('button[data-stream="crowd"]').click();
      const file = await (await download).path();
      const csv = readFileSync(file, 'utf8').trimEnd().split('\r\n');
      expect(csv[0]).toMatch(/^time,record,active_dancers,arousal_high_share,arousal_mean,.*energy.*,extra$/);
      expect(csv.length - 1).toBe(boxCrowd);
      expect(csv[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,crowd_states\/\d+,\d,/);
      await expect.poll(() => page.locator('#export-status').textContent()).toMatch(/crowd\.csv: \d+ KiB/);

      violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await browser.shot('dashboard-session');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.evaluate('window.scrollTo(0, 0)');
      await browser.shot('dashboard-session-phone', false);

      expect(browser.external).toEqual([]);
      expect(browser.errors).toEqual([]);
    },
  );
});
