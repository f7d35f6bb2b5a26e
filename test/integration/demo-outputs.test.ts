/**
 * The demo venue (`npm start`'s config/demo.yaml) against a desk (oscdump) and OLA's OSC
 * plugin, as a designer would patch them: the desk gets the default address space with dancer
 * slots 1..24 and no DMX frames; OLA gets only the frame it can parse (no "Unable to extract
 * slot" in its log) and shows the crowd's energy on its channel; continuous values arrive at
 * the target's steady rate, not in the simulator's 5 Hz bursts.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT, startDaemon, tempDir, waitForHealth, type DaemonProcess } from '../helpers/daemon-process.js';
import { freeUdpPort, parseOscdump, startOla, startOscdump, type Ola, type Peer } from '../helpers/osc-peers.js';
import { sleep } from '../helpers/wait.js';

let desk: Peer;
let ola: Ola;
let daemon: DaemonProcess;
const SECONDS = 8;
let dir = '';

beforeAll(async () => {
  const deskPort = await freeUdpPort();
  const olaPort = await freeUdpPort();
  desk = await startOscdump(deskPort);
  ola = await startOla({ osc: olaPort, oscUniverse: 2 });
  dir = tempDir();
  const port = await freePort();
  daemon = startDaemon({
    port,
    args: ['--config', join(ROOT, 'config/demo.yaml')],
    env: {
      CODANCE_STORE__PATH: join(dir, 'codance.db'),
      CODANCE_OSC__TARGETS__0__PORT: String(deskPort),
      CODANCE_OSC__TARGETS__1__PORT: String(olaPort),
      CODANCE_OSC__IN__PORT: '0',
      CODANCE_OSC__QUERY__PORT: '0',
    },
  });
  await waitForHealth(port, 60_000);
  await sleep(SECONDS * 1000);
}, 120_000);

afterAll(async () => {
  daemon?.child.kill('SIGTERM');
  await daemon?.exited;
  await Promise.all([desk?.stop(), ola?.stop()]);
});

describe('the demo venue against a desk and OLA', () => {
  it('gives OLA only what it can parse, and OLA shows the crowd energy', async () => {
    expect(ola.output()).not.toMatch(/Unable to extract|Unknown|Failed/i);
    const energies = parseOscdump(desk.output())
      .filter((l) => l.address === '/codance/crowd/energy')
      .map((l) => Math.round(Math.min(1, Math.max(0, Number(l.args[0]))) * 255));
    const u2 = await ola.dmx(2);
    expect(u2).toHaveLength(512);
    expect(energies).toContain(u2[0]);
  });

  it('gives the desk slots 1..24 and no DMX, with continuous values at its steady rate', () => {
    const lines = parseOscdump(desk.output());
    expect(lines.some((l) => l.address.startsWith('/dmx'))).toBe(false);
    const slots = new Set(
      lines.map((l) => /^\/codance\/dancer\/([^/]+)\/movement$/.exec(l.address)?.[1]).filter((s) => s !== undefined),
    );
    expect([...slots].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    // 30 Hz by default, held between the simulator's 200 ms reports (the budget may defer a few).
    const one = lines.filter((l) => l.address === '/codance/dancer/1/movement').length;
    expect(one / SECONDS).toBeGreaterThan(20);
    const values = lines.filter((l) => l.address === '/codance/dancer/1/movement').map((l) => Number(l.args[0]));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
  });

  it('runs a live demo event while the daemon does, ended when it stops, with the crowd recorded in it', async () => {
    const db = new BetterSqlite3(join(dir, 'codance.db'), { readonly: true });
    const live = db.prepare(`SELECT id, name, starts_at, ends_at FROM events`).all() as {
      id: number;
      name: string;
      starts_at: number;
      ends_at: number;
    }[];
    expect(live.map((e) => e.name)).toEqual(['Demo night']);
    expect(live[0]!.ends_at).toBeGreaterThan(Date.now());
    const crowd = db.prepare('SELECT count(*) AS n FROM crowd_states WHERE event_id = ?').get(live[0]!.id) as {
      n: number;
    };
    expect(crowd.n).toBeGreaterThan(0);
    const queued = db.prepare(`SELECT count(*) AS n FROM outbox WHERE entity = 'events'`).get() as { n: number };
    expect(queued.n).toBe(1);
    db.close();
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    const after = new BetterSqlite3(join(dir, 'codance.db'), { readonly: true });
    const ended = after.prepare('SELECT ends_at FROM events WHERE id = ?').get(live[0]!.id) as { ends_at: number };
    expect(ended.ends_at).toBeLessThanOrEqual(Date.now());
    expect(ended.ends_at).toBeGreaterThanOrEqual(live[0]!.starts_at);
    // The end goes to the cloud too.
    expect((after.prepare(`SELECT count(*) AS n FROM outbox WHERE entity = 'events'`).get() as { n: number }).n).toBe(
      2,
    );
    after.close();
  });
});
