/**
 * Venues and enrolment codes from the cloud dashboard in Chromium: an organisation's owner
 * adds a venue and makes a one-time code on the page; a box enrols with that code and syncs,
 * and the page shows it online. A viewer of the organisation gets neither tool. axe-core finds
 * no serious violation; nothing is fetched from outside the cloud.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeViolations, openBrowser, seriousViolations, type Browser } from '../helpers/browser.js';
import { freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';
import { startCloud } from '../helpers/cloud-process.js';
import { postgres, type Postgres } from '../helpers/postgres.js';
import { runCliAsync } from '../helpers/run-cli.js';

let pg: Postgres | undefined;
let cloud: ChildProcess | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  cloud?.kill('SIGTERM');
  pg?.stop();
});

describe('cloud dashboard: venues and enrolment codes', () => {
  it(
    'lets an owner add a venue and make a code a box enrols with, and shows the box online',
    { timeout: 120_000 },
    async () => {
      pg = await postgres();
      const started = await startCloud(pg, 'dashboard_venues');
      cloud = started.proc;
      const { db: url, origin } = started;
      const org = await runCliAsync(
        ['cloud', 'org', 'create', '--name', 'Salsa Co', '--owner', 'ops@salsa.example', '--db', url],
        'a long enough password\n',
      );
      expect(org.code, org.out).toBe(0);

      browser = await openBrowser(origin);
      const { page } = browser;
      const signIn = async (email: string, password: string) => {
        await page.goto(`${origin}/dashboard`);
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
      };
      await signIn('ops@salsa.example', 'a long enough password');
      await page.getByText('no venues yet').waitFor();
      await page.getByLabel('New venue').fill('Main hall');
      await page.getByRole('button', { name: 'Add venue' }).click();
      await page.getByRole('heading', { name: 'Main hall' }).waitFor();
      expect(await page.locator('table.boxes tbody').textContent()).toBe('no box enrolled yet');
      // A second venue of the same name is refused, and the page says why.
      await page.getByLabel('New venue').fill('Main hall');
      await page.getByRole('button', { name: 'Add venue' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/already has a venue named "Main hall"/);

      await page.getByRole('button', { name: 'Enrolment code' }).click();
      const shown = page.locator('.enrol output');
      await expect
        .poll(() => shown.textContent())
        .toMatch(
          /^[A-Z0-9]{5}-[A-Z0-9]{5} valid until .*On the box: codance sync enrol --cloud http:\/\/127\.0\.0\.1:\d+ --code /,
        );
      const code = (await shown.locator('strong').textContent())!;
      // The retention policy: for ever until an admin says otherwise, applied by the cloud.
      await page.getByLabel('Raw streams (IMU, ECG, PPG)').fill('14');
      await page.getByRole('button', { name: 'Save retention' }).click();
      await expect
        .poll(() => page.locator('.retention [role=status]').textContent())
        .toMatch(/^Saved: records kept for ever, features kept for ever, raw 14 days$/);
      let violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await browser.shot('dashboard-enrolment-code');

      const dir = tempDir('codance-dash-venue-');
      const config = join(dir, 'box.yaml');
      writeFileSync(
        config,
        `box: { name: hall-box }\nstore: { path: ${join(dir, 'box.db')} }\nsimulation: { dancers: 2 }\nsync: { maxDelayMs: 300 }\n`,
      );
      const enrolled = await runCliAsync(['sync', 'enrol', '--cloud', origin, '--code', code, '-c', config]);
      expect(enrolled.code, enrolled.out).toBe(0);
      // The code is spent.
      expect((await runCliAsync(['sync', 'enrol', '--cloud', origin, '--code', code, '-c', config])).code).not.toBe(0);
      const port = await freePort();
      const daemon = startDaemon({ port, args: ['--config', config] });
      await waitForHealth(port);
      await sleep(2500);
      daemon.child.kill('SIGTERM');
      await daemon.exited;

      await page.reload();
      await page.getByRole('heading', { name: 'Main hall' }).waitFor();
      expect(await page.locator('table.boxes tbody tr').first().textContent()).toMatch(
        /^hall-box[0-9a-f-]{36}online[\d.]+ m?s ago\d+$/,
      );
      violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);

      // A viewer sees the venue and its box, and no tools.
      const token = (
        (await (
          await fetch(`${origin}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'ops@salsa.example', password: 'a long enough password' }),
          })
        ).json()) as { access_token: string }
      ).access_token;
      const member = await fetch(`${origin}/api/v1/orgs/1/members`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ email: 'dj@salsa.example', role: 'viewer', password: 'viewer password 1' }),
      });
      expect(member.status, await member.text()).toBeLessThan(300);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn('dj@salsa.example', 'viewer password 1');
      await page.getByRole('heading', { name: 'Main hall' }).waitFor();
      expect(await page.getByRole('button', { name: 'Enrolment code' }).count()).toBe(0);
      expect(await page.getByLabel('New venue').count()).toBe(0);
      // ...and the retention policy, read-only.
      expect(await page.locator('.retention').textContent()).toMatch(
        /Records \(people, events, registrations\)kept for ever.*Raw streams \(IMU, ECG, PPG\)14 days/,
      );
      expect(await page.getByRole('button', { name: 'Save retention' }).count()).toBe(0);
      expect(browser.external).toEqual([]);
      expect(browser.errors.filter((e) => !/409|already has a venue/.test(e))).toEqual([]);
    },
  );
});
