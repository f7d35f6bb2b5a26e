/**
 * Two radios, twelve wearables: the built daemon drives two emulated HCI UART dongles (Bumble
 * on two ptys), each allowed 7 links, and spreads twelve Polar H10s streaming heart rate and
 * PMD accelerometer over them. Pulling one dongle (its pty closes) leaves the other radio's
 * wearables streaming; health names the radio that is gone, and it comes back by itself when
 * the dongle is plugged in again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasBumble, noBumbleReason, venueForTests } from '../helpers/bumble.js';
import { freePort, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';
import { technicianDaemon } from '../helpers/technician-daemon.js';
import { sleep, waitFor } from '../helpers/wait.js';

const NAMES = Array.from({ length: 12 }, (_, i) => `Polar H10 ${String(i + 1).padStart(4, '0')}`);

type Component = {
  id: string;
  state: string;
  detail: string | null;
  last_sample_age_ms: number | null;
  reconnects: number;
};
type Health = { devices: Component[]; subsystems: Component[] };

describe.skipIf(!hasBumble)(
  `twelve wearables over two UART radios${hasBumble ? '' : ` (skipped: ${noBumbleReason})`}`,
  () => {
    const { venue, held } = venueForTests(
      ['radio1', 'radio2'],
      NAMES.map((name, i) => ({ kind: 'polar' as const, name, rssi: -45 - i })),
    );

    it('spreads them over both radios (7 links each at most); unplugging one leaves the other streaming and health names it; it comes back', async () => {
      const dir = tempDir();
      const config = join(dir, 'box.yaml');
      writeFileSync(
        config,
        [
          `store:\n  path: ${join(dir, 'box.db')}`,
          'ble:',
          '  enabled: true',
          '  allowlist: [{name: "Polar H10"}]',
          '  adapters:',
          `    - {name: radio1, transport: uart, path: ${venue.pty('radio1')}}`,
          `    - {name: radio2, transport: uart, path: ${venue.pty('radio2')}}`,
          '  maxConnected: 7',
          '  connectTimeoutMs: 3000',
          '  reconnect: {initialMs: 200, maxMs: 1000}',
          '  adapterRetry: {initialMs: 500, maxMs: 1000}',
        ].join('\n'),
      );
      const t = await technicianDaemon(config);
      const daemon = (held.daemon = t.daemon);
      const health = async (): Promise<Health> =>
        (await (await fetch(`${t.base}/api/v1/devices/health`, { headers: t.auth })).json()) as Health;
      const wearables = (h: Health) => h.devices.filter((d) => NAMES.some((n) => venue.address(n) === d.id));
      const radioOf = (d: Component) => /via (radio\d)/.exec(d.detail ?? '')?.[1];

      const all = await waitFor(
        async () => {
          const h = await health();
          return wearables(h).filter((d) => d.state === 'connected').length === 12 ? h : undefined;
        },
        'all twelve connected',
        30_000,
      );
      const on = (h: Health, radio: string) =>
        wearables(h).filter((d) => d.state === 'connected' && radioOf(d) === radio);
      const r1 = on(all, 'radio1').map((d) => d.id);
      const r2 = on(all, 'radio2').map((d) => d.id);
      expect(r1.length + r2.length).toBe(12);
      expect(r1.length).toBeLessThanOrEqual(7);
      expect(r2.length).toBeLessThanOrEqual(7);
      // The emptiest radio gets the next wearable: neither is left idle.
      expect(Math.min(r1.length, r2.length)).toBeGreaterThanOrEqual(5);
      // The venue's own view agrees: each wearable's link is on the radio health says.
      for (const id of r2) {
        const name = NAMES.find((n) => venue.address(n) === id)!;
        expect(venue.of(name, 'connected').at(-1)?.radio, name).toBe('radio2');
      }
      expect(all.subsystems.find((s) => s.id === 'ble:radio1')?.detail).toContain(`scanning; ${r1.length} of 7 links`);

      const pulled = venue.events.length;
      venue.command({ cmd: 'unplug', radio: 'radio2' });
      const gone = await waitFor(
        async () => {
          const h = await health();
          return h.subsystems.find((s) => s.id === 'ble:radio2')?.state === 'retrying' ? h : undefined;
        },
        'radio2 reported gone',
        10_000,
      );
      expect(gone.subsystems.find((s) => s.id === 'ble:radio2')?.detail).toContain(
        `radio2 (${venue.pty('radio2')}) is gone`,
      );
      expect(gone.subsystems.find((s) => s.id === 'ble:radio1')?.state).toBe('connected');
      const status = (await (await fetch(`${t.base}/health`)).json()) as { status: string };
      expect(status.status).toBe('degraded');

      // Three seconds on: radio1's wearables never dropped and are still streaming.
      await sleep(3000);
      const after = await health();
      for (const id of r1) {
        const d = after.devices.find((x) => x.id === id)!;
        expect(d, id).toMatchObject({ state: 'connected', reconnects: 0 });
        expect(radioOf(d), id).toBe('radio1');
        expect(d.last_sample_age_ms!, id).toBeLessThan(1500);
      }
      const dropped = venue.events
        .slice(pulled)
        .filter((e) => e.event === 'disconnected')
        .map((e) => venue.address(e.dev!));
      expect(new Set(dropped)).toEqual(new Set(r2));
      // radio1 took what it had room for, and no more.
      expect(on(after, 'radio1').length).toBeLessThanOrEqual(7);

      venue.command({ cmd: 'plug', radio: 'radio2' });
      const back = await waitFor(
        async () => {
          const h = await health();
          return h.subsystems.find((s) => s.id === 'ble:radio2')?.state === 'connected' &&
            wearables(h).filter((d) => d.state === 'connected').length === 12
            ? h
            : undefined;
        },
        'radio2 back and all twelve connected again',
        30_000,
      );
      expect(on(back, 'radio2').length).toBeGreaterThanOrEqual(5);
      const status2 = (await (await fetch(`${t.base}/health`)).json()) as { status: string };
      expect(status2.status).toBe('ok');

      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
      held.daemon = undefined;
    }, 120_000);

    it('a box configured for BLE with no radio on this machine starts, says so on one line, and reports degraded', async () => {
      const dir = tempDir();
      const p = await freePort();
      const box = startDaemon({
        port: p,
        env: {
          CODANCE_STORE__PATH: join(dir, 'box.db'),
          CODANCE_BLE__ENABLED: 'true',
          CODANCE_BLE__ADAPTERS: `[{name: dongle, transport: uart, path: ${join(dir, 'ttyNOPE')}}]`,
        },
      });
      try {
        await waitForHealth(p);
        const res = await waitFor(
          async () => {
            const r = await fetch(`http://127.0.0.1:${p}/health`);
            const body = (await r.json()) as { status: string; drivers: { components: Component[] } };
            return body.drivers.components.find((c) => c.id === 'ble:dongle')?.state === 'unavailable'
              ? { code: r.status, body }
              : undefined;
          },
          'the radio reported unavailable',
          10_000,
        );
        expect(res.code).toBe(200);
        expect(res.body.status).toBe('degraded');
        const detail = res.body.drivers.components.find((c) => c.id === 'ble:dongle')!.detail!;
        expect(detail).toMatch(new RegExp(`^no such UART ${join(dir, 'ttyNOPE')}: is the radio plugged in\\?`));
        expect(detail).not.toMatch(/\n|\bat .*\.js|Cannot find module/);
      } finally {
        box.child.kill('SIGTERM');
        expect((await box.exited).code).toBe(0);
      }
    }, 30_000);
  },
);
