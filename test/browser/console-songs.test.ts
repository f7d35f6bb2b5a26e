/**
 * The console's song count in Chromium, against the built daemon: a generated ballad the
 * analysis counts at double time shows the level it is sure of and offers half time; one tap
 * counts it at half time (the API says so too) and offers the way back; axe-core finds no
 * serious accessibility violation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthSong } from '../../models/music/synth-songs.js';
import { pcmWav, songForm } from '../helpers/audio-files.js';
import { describeViolations, openBrowser, seriousViolations, type Browser } from '../helpers/browser.js';
import { tempDir, type DaemonProcess } from '../helpers/daemon-process.js';
import { technicianDaemon } from '../helpers/technician-daemon.js';

let daemon: DaemonProcess | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  daemon?.child.kill('SIGTERM');
  await daemon?.exited;
});

describe('console song count', () => {
  it(
    'offers half time for a ballad heard at double time and counts it so in one tap',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('codance-console-songs-');
      const configFile = join(dir, 'box.yaml');
      writeFileSync(
        configFile,
        `box: { name: songs-venue }
store: { path: ${join(dir, 'box.db')} }
osc: { in: { port: 0 }, query: { port: 0, mdns: false } }
`,
      );
      const tech = await technicianDaemon(configFile);
      daemon = tech.daemon;
      const ballad = synthSong('ballad', 2001, 20);
      const up = await fetch(`${tech.base}/api/v1/songs`, {
        method: 'POST',
        headers: tech.auth,
        body: songForm('Slow one', pcmWav(ballad.pcm, ballad.sampleRate)),
      });
      const song = (await up.json()) as { id: number; tempo: number };
      expect(up.status, JSON.stringify(song)).toBe(201);
      expect(Math.abs(song.tempo / 2 - ballad.bpm) / ballad.bpm).toBeLessThan(0.04);

      browser = await openBrowser(tech.base);
      const { page } = browser;
      await page.goto(`${tech.base}/console`);
      await page.getByLabel('Username or email').fill('tech');
      await page.getByLabel('Password').fill('night shift pw');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const facts = page.locator('#song-count-facts');
      await expect
        .poll(() => facts.textContent(), { timeout: 10_000 })
        .toContain(`Counted at${song.tempo.toFixed(1)} bpm`);
      expect(await facts.textContent()).toMatch(/Sure of that level\d+ %Orhalf time/);
      const tap = page.getByRole('button', { name: /Count half time/ });
      await tap.click();
      await expect.poll(() => page.locator('#message').textContent()).toMatch(/Slow one is counted at \d+\.\d bpm/);
      await expect.poll(() => facts.textContent()).toMatch(/Ordouble time/);
      const after = (await (await fetch(`${tech.base}/api/v1/songs/${song.id}`, { headers: tech.auth })).json()) as {
        tempo: number;
        analysis: { octave?: number };
      };
      expect(Math.abs(after.tempo - ballad.bpm) / ballad.bpm).toBeLessThan(0.04);
      expect(after.analysis.octave).toBe(-1);
      expect(await page.getByRole('button', { name: /Count double time/ }).isVisible()).toBe(true);
      const violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await browser.shot('console-song-count');
      expect(browser.external).toEqual([]);
      expect(browser.errors).toEqual([]);
    },
  );
});
