/**
 * The technician's console in Chromium, against the built daemon running a simulated venue:
 * sign in, watch live values change, pair a wearable to a checked-in dancer and chart her
 * vitals, switch a preset and see the OSC monitor (and oscdump, a real receiver) show the new
 * addresses, run doctor, on a desktop and on a phone-sized screen; axe-core finds no serious
 * accessibility violation; nothing is fetched from outside the box.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeViolations, openBrowser, seriousViolations, type Browser } from '../helpers/browser.js';
import { startDaemon, tempDir, waitForHealth, type DaemonProcess } from '../helpers/daemon-process.js';
import { freeUdpPort, startOscdump, type Peer } from '../helpers/osc-peers.js';
import { technicianDaemon } from '../helpers/technician-daemon.js';
import { tinyBlueprint } from '../helpers/api-makers.js';
import { waitFor } from '../helpers/wait.js';

let daemon: DaemonProcess | undefined;
let oscdump: Peer | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  daemon?.child.kill('SIGTERM');
  await daemon?.exited;
  await oscdump?.stop();
});

describe('technician console', () => {
  it(
    'shows the live venue, pairs a band, charts a dancer, switches a preset into the OSC monitor, on desktop and phone',
    { timeout: 180_000 },
    async () => {
      const oscPort = await freeUdpPort();
      oscdump = await startOscdump(oscPort);
      const dir = tempDir('codance-console-');
      const configFile = join(dir, 'box.yaml');
      writeFileSync(
        configFile,
        `box: { name: console-venue }
store: { path: ${join(dir, 'box.db')} }
simulation: { dancers: 6, seed: 11, bpm: 124, mood: 0.7 }
osc:
  targets: [{ name: desk, host: 127.0.0.1, port: ${oscPort} }]
  in: { port: 0 }
  query: { port: 0, mdns: false }
mapping:
  presets:
    calm: { kind: visualization, rules: [{ id: glow, source: { kind: crowd, metric: arousal_mean }, target: { kind: osc, address: /calm/glow } }] }
    club: { kind: visualization, rules: [{ id: wash, source: { kind: crowd, metric: energy }, target: { kind: osc, address: /club/wash } }] }
  active: { visualization: calm }
`,
      );
      const tech = await technicianDaemon(configFile);
      daemon = tech.daemon;
      const api = async (
        path: string,
        init: { method?: string; body?: unknown; auth?: Record<string, string> } = {},
      ) => {
        const res = await fetch(`${tech.base}${path}`, {
          method: init.method ?? (init.body ? 'POST' : 'GET'),
          headers: { 'content-type': 'application/json', ...(init.auth ?? tech.auth) },
          ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
        });
        const body = (await res.json()) as Record<string, unknown>;
        expect(res.status, `${path}: ${JSON.stringify(body)}`).toBeLessThan(300);
        return body;
      };
      // Tonight's event, and Rosa (who consents to her biometrics being recorded) checked in.
      const event = await api('/api/v1/events', {
        body: {
          name: 'Thursday social',
          starts_at: new Date(Date.now() - 60_000).toISOString(),
          ends_at: new Date(Date.now() + 3_600_000).toISOString(),
        },
      });
      await api('/api/v1/users/register', {
        body: { username: 'rosa', email: 'rosa@example.org', password: 'rosa dances pw', consent_biometrics: true },
        auth: {},
      });
      const rosaToken = (
        await api('/api/v1/users/token', { body: { username: 'rosa', password: 'rosa dances pw' }, auth: {} })
      ).access_token as string;
      const rosa = await api('/api/v1/users/me', { auth: { authorization: `Bearer ${rosaToken}` } });
      await api('/api/v1/events/register', {
        body: { event_id: event.id },
        auth: { authorization: `Bearer ${rosaToken}` },
      });
      await api('/api/v1/events/checkin', { body: { event_id: event.id, user_id: rosa.id } });

      browser = await openBrowser(tech.base);
      const { page } = browser;
      await page.goto(`${tech.base}/console`);
      await page.getByLabel('Username or email').waitFor();
      const loginViolations = await seriousViolations(page);
      expect(loginViolations, describeViolations(loginViolations)).toEqual([]);
      await browser.shot('console-login');
      // A wrong password is refused in words, and the form stays.
      await page.getByLabel('Username or email').fill('tech');
      await page.getByLabel('Password').fill('wrong password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('#login-error').textContent()).toContain('Wrong name or password');
      await page.getByLabel('Password').fill('night shift pw');
      await page.getByRole('button', { name: 'Sign in' }).click();

      // Signed in: the box's name, and the live stream connected.
      await expect.poll(() => page.locator('#box-name').textContent()).toBe('console-venue');
      await expect.poll(() => page.locator('#live').textContent(), { timeout: 10_000 }).toBe('live');

      // Live values change while the simulated venue dances.
      await expect
        .poll(() => page.locator('#crowd-now').textContent(), { timeout: 15_000 })
        .toMatch(/Active dancers\s*6/);
      const crowdBefore = await page.locator('#crowd-now').textContent();
      await expect.poll(() => page.locator('#crowd-now').textContent(), { timeout: 10_000 }).not.toBe(crowdBefore);
      expect(await page.locator('#crowd-chart canvas').count()).toBeGreaterThan(0);
      const clockBefore = await page.locator('#clock-facts').textContent();
      expect(await page.locator('#clock-count').textContent()).toMatch(/124\.0 bpm · next [1-8]/);
      await expect.poll(() => page.locator('#clock-facts').textContent()).not.toBe(clockBefore);

      // Devices: six bands with battery, RSSI, a fresh last sample and no reconnects.
      await expect.poll(() => page.locator('#devices tbody tr').count()).toBe(6);
      const band = page.locator('tr[data-device="sim-band-001"]');
      await expect.poll(() => band.textContent()).toMatch(/\d+ %.*-\d+ dBm.*ms ago|\d+ %.*-\d+ dBm.*s ago/);
      expect(await page.locator('#devices-summary').textContent()).toBe('6 devices: 6 connected');

      // Pair band 1 to Rosa from its row; the row and the dancers panel then say so.
      await band.getByLabel(/Dancer for/).selectOption({ label: 'rosa' });
      await band.getByRole('button', { name: /Pair/ }).click();
      await expect.poll(() => page.locator('#message').textContent()).toContain('Paired');
      await expect.poll(() => band.locator('td').first().textContent()).toBe('rosa');
      await expect.poll(() => page.locator('#dancers-now').textContent()).toContain('rosa wears sim-band-001');
      // She holds an output slot (from check-in); band 1's data now goes out under it, and both panels say so.
      const held = /(\d+) rosa wears sim-band-001/.exec((await page.locator('#dancers-now').textContent()) ?? '')?.[1];
      expect(held).toMatch(/^[1-9]\d*$/);
      await expect.poll(() => band.locator('td[data-field="slot"]').textContent()).toBe(held);

      // Her heart rate, skin conductance and movement, live.
      await page.locator('#dancer-device').selectOption('sim-band-001');
      await expect
        .poll(() => page.locator('#vitals-now').textContent(), { timeout: 10_000 })
        .toMatch(/Heart rate\s*\d+ bpm/);
      await expect
        .poll(() => page.locator('#vitals-now').textContent(), { timeout: 10_000 })
        .toMatch(/EDA\s*\d+\.\d+ µS.*Movement\s*\d\.\d+ g/);
      const vitalsBefore = await page.locator('#vitals-now').textContent();
      await expect.poll(() => page.locator('#vitals-now').textContent(), { timeout: 10_000 }).not.toBe(vitalsBefore);

      // The OSC monitor shows what the calm preset sends; switching to club moves it to /club/wash.
      const desk = page.locator('[data-target="desk"]');
      await expect.poll(() => desk.textContent(), { timeout: 10_000 }).toContain('/calm/glow');
      await page.locator('#preset-visualization').selectOption('club');
      await page.getByRole('button', { name: 'Switch' }).click();
      await expect.poll(() => page.locator('#presets-active').textContent()).toContain('visualization club');
      const wash = desk.locator('tr[data-rule="visualization.club.wash"]');
      await expect
        .poll(() => wash.textContent(), { timeout: 10_000 })
        .toMatch(/^\/club\/wash\d\.\d{3}visualization\.club\.wash\d+ m?s ago\d+1$/);
      // Per dancer rules fill one address per slot: six bands, and band 1's own slot before Rosa's.
      await expect
        .poll(() => desk.locator('tr[data-rule="dancer-hr"]').textContent())
        .toMatch(/\/codance\/dancer\/[1-9]\/hr.*[67]$/);
      expect(await desk.textContent()).toMatch(/Rate\s*\d+\.\d msg\/s/);
      expect(await desk.textContent()).toMatch(/p50 \d+\.\d{3} · p95/);
      await waitFor(() => oscdump!.output().includes('/club/wash'), 'oscdump receives /club/wash', 5000);

      // A saved routine played live from the next "1": the Playing panel follows its moves, the log its cues.
      const step = (i: number) => ({
        moveId: 'basic-side',
        name: 'Side basic',
        counts: 8,
        startCount: i * 8,
        startS: i * 3.87,
        endS: (i + 1) * 3.87,
        section: 'verse',
        from: 'closed',
        to: 'closed',
        why: ['test'],
      });
      const blueprint = {
        seed: 1,
        tempo: 124,
        startS: 0,
        endS: 15.5,
        totalCounts: 32,
        objective: 1,
        params: tinyBlueprint.params,
        steps: [0, 1, 2, 3].map(step),
      };
      const saved = await api('/api/v1/collections', { body: { name: 'Warm-up', blueprint } });
      await api('/api/v1/choreography/live', { method: 'PUT', body: { collection_id: saved.id } });
      await expect
        .poll(() => page.locator('#playing-now').textContent(), { timeout: 10_000 })
        .toMatch(/RoutineWarm-upStateplayingMove\d\. Side basicCount\d+ \/ 32/);
      await expect
        .poll(() => page.locator('#log-lines').textContent(), { timeout: 10_000 })
        .toContain('choreo.move.basic-side');

      // Doctor's checks, run by the daemon — with an access token the box no longer accepts: the
      // page renews it with its refresh token and carries on, instead of signing the technician out.
      await page.evaluate(`sessionStorage.setItem('codance.console.token', 'expired.or.revoked')`);
      await page.getByRole('button', { name: 'Run doctor' }).click();
      await expect.poll(() => page.locator('#doctor-report tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(5);
      expect(await page.locator('#doctor-report').textContent()).toContain('store writable');
      expect(await page.locator('#sync-now').textContent()).toMatch(/not enrolled.*Backlog\s*\d+ records/);
      expect(await page.locator('#health-now').textContent()).toMatch(/http\s*connected/);

      const violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await browser.shot('console-desktop');

      // A phone held in one hand: one column, nothing wider than the screen.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(500);
      const overflow = await page.evaluate<string[]>(
        `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.scroll, nav')).slice(0, 5).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`,
      );
      expect(await page.evaluate('document.documentElement.scrollWidth'), overflow.join('; ')).toBeLessThanOrEqual(390);
      const phoneViolations = await seriousViolations(page);
      expect(phoneViolations, describeViolations(phoneViolations)).toEqual([]);
      await browser.shot('console-phone');
      await page.evaluate('window.scrollTo(0, 0)');
      await browser.shot('console-phone-top', false);
      await page.locator('#devices').scrollIntoViewIfNeeded();
      await browser.shot('console-phone-devices', false);

      expect(await page.evaluate(`sessionStorage.getItem('codance.console.token')`)).not.toBe('expired.or.revoked');
      expect(await page.locator('#live').textContent()).toBe('live');

      // The box restarts (a `systemctl restart` at 1 a.m.) with the console open: it stops within
      // its usual bound, the page says it is offline, and comes back live by itself.
      const errorsBefore = browser.errors.length;
      const stopping = performance.now();
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
      expect(performance.now() - stopping).toBeLessThan(5000);
      await expect.poll(() => page.locator('#live').textContent(), { timeout: 10_000 }).toBe('offline');
      daemon = startDaemon({ port: tech.daemon.port, env: { CODANCE_CONFIG: configFile } });
      await waitForHealth(tech.daemon.port);
      await expect.poll(() => page.locator('#live').textContent(), { timeout: 20_000 }).toBe('live');
      const crowdAfter = await page.locator('#crowd-now').textContent();
      await expect.poll(() => page.locator('#crowd-now').textContent(), { timeout: 10_000 }).not.toBe(crowdAfter);
      // What Chromium logged meanwhile is the refused connections, nothing else.
      const restartErrors = browser.errors.splice(errorsBefore);
      expect(
        restartErrors.filter(
          (e) => !/net::ERR_(CONNECTION_REFUSED|INCOMPLETE_CHUNKED_ENCODING|EMPTY_RESPONSE|CONNECTION_RESET)/.test(e),
        ),
      ).toEqual([]);

      // Nothing left the box, and the page threw nothing.
      expect(browser.external).toEqual([]);
      // (Chromium logs the refused sign-in and the refused stale token as failed resources; nothing else.)
      expect(browser.errors).toEqual([
        'console: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
        'console: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
      ]);
    },
  );
});
