/**
 * The technician's console: one page, served by the daemon at /console, signed in with a
 * technician or admin account of the box. State arrives once a second on the live stream
 * (with every crowd state and the chosen dancer's vitals in between), so the page shows the
 * box as it is without polling; actions go through the same API as everything else.
 */
import '../../../sync/web/kit/base.css';
import '../../../sync/web/kit/narrow.css';
import './console.css';
import type { ConsoleState, CrowdPoint, LogLine, VitalsPoint } from '../contracts.js';
import { eventStream, session } from '../../../sync/web/kit/api.js';
import { byId, fill, h } from '../../../sync/web/kit/dom.js';
import { loginForm } from '../../../sync/web/kit/login.js';
import { chartsPanels } from './charts-panel.js';
import type { PanelContext } from './context.js';
import { devicesPanel } from './devices-panel.js';
import { oscPanel } from './osc-panel.js';
import { clockPanel, playingPanel, presetsPanel } from './room-panels.js';
import { songsPanel } from './songs-panel.js';
import { dancersPanel, healthPanel, logPanel, syncPanel } from './system-panels.js';

const REFRESH_KEY = 'codance.console.refresh';
interface Tokens {
  access_token: string;
  refresh_token: string;
}

// Access tokens last 15 minutes; the console renews them with the refresh token, so a
// technician is not sent back to the sign-in form in the middle of a night.
const api = session('codance.console.token', {
  async refresh() {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return null;
    const res = await fetch('/api/v1/users/token/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    if (!res.ok) {
      sessionStorage.removeItem(REFRESH_KEY);
      return null;
    }
    const t = (await res.json()) as Tokens;
    sessionStorage.setItem(REFRESH_KEY, t.refresh_token);
    return t.access_token;
  },
});
const root = byId('app');

function showLogin(): void {
  document.title = 'Sign in · Codance console';
  fill(
    root,
    loginForm({
      title: 'Codance console',
      userLabel: 'Username or email',
      userType: 'text',
      async submit(username, password) {
        const t = await api.json<Tokens>('/api/v1/users/token', { method: 'POST', jsonBody: { username, password } });
        api.setToken(t.access_token);
        sessionStorage.setItem(REFRESH_KEY, t.refresh_token);
        const me = await api.json<{ role: string }>('/api/v1/users/me');
        if (me.role !== 'technician' && me.role !== 'admin') {
          api.setToken(null);
          throw new Error('The console is for technicians and admins of this box.');
        }
        showConsole();
      },
    }),
  );
}

let stopStream: (() => void) | undefined;

function showConsole(): void {
  const status = h('span', { class: 'badge', id: 'status' }, '…');
  const live = h('span', { class: 'badge offline', id: 'live', role: 'status' }, 'connecting');
  const title = h('h1', { id: 'box-name' }, 'Codance console');
  const message = h('p', { id: 'message', role: 'status', class: 'status-line muted' });
  const signOut = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
  let device: string | undefined;
  const ctx: PanelContext = {
    api,
    say(text, bad = false) {
      message.textContent = text;
      message.className = `status-line ${bad ? 'error' : 'muted'}`;
    },
    refresh() {
      void api
        .json<ConsoleState>('/api/v1/console/state')
        .then(render)
        .catch(() => undefined);
    },
  };
  const charts = chartsPanels((key) => {
    device = key;
    stream.restart();
  });
  const devices = devicesPanel(ctx);
  const clock = clockPanel();
  const presets = presetsPanel(ctx);
  const songs = songsPanel(ctx);
  const playing = playingPanel();
  const osc = oscPanel();
  const sync = syncPanel(ctx);
  const health = healthPanel(ctx);
  const dancers = dancersPanel();
  const log = logPanel();
  const nav = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Sections' },
    ...[
      ['crowd', 'Crowd'],
      ['dancer', 'Dancer'],
      ['devices', 'Devices'],
      ['osc', 'OSC'],
      ['presets', 'Presets'],
      ['songs', 'Songs'],
      ['sync', 'Sync'],
      ['health', 'Health'],
    ].map(([id, label]) => h('a', { href: `#${id}` }, label)),
  );
  fill(
    root,
    h('a', { class: 'skip', href: '#main' }, 'Skip to the console'),
    h('header', { class: 'bar' }, h('div', { class: 'row' }, title, status, live), signOut),
    nav,
    message,
    h(
      'main',
      { class: 'grid', id: 'main' },
      charts.crowd,
      charts.dancer,
      clock.el,
      presets.el,
      dancers.el,
      playing.el,
      songs.el,
      devices.el,
      osc.el,
      sync.el,
      log.el,
      health.el,
    ),
  );
  charts.mount();
  void presets.load().catch((err: unknown) => ctx.say(`Presets: ${(err as Error).message}`, true));
  void songs.load().catch((err: unknown) => ctx.say(`Songs: ${(err as Error).message}`, true));

  function render(s: ConsoleState): void {
    document.title = `${s.box.name} · Codance console`;
    title.textContent = s.box.name;
    status.textContent = s.status;
    status.className = `badge ${s.status}`;
    charts.onState(s);
    devices.update(s);
    clock.update(s);
    presets.update(s);
    playing.update(s);
    osc.update(s);
    sync.update(s);
    health.update(s);
    dancers.update(s);
  }

  stopStream?.();
  const stream = eventStream(
    api,
    () => `/api/v1/console/stream${device ? `?device=${encodeURIComponent(device)}` : ''}`,
    (event, data) => {
      switch (event) {
        case 'state':
          return render(data as ConsoleState);
        case 'crowd':
          return charts.onCrowd(data as CrowdPoint);
        case 'vitals':
          return charts.onVitals(data as VitalsPoint);
        case 'log':
          return log.add(data as LogLine);
      }
    },
    (isLive, why) => {
      live.textContent = isLive ? 'live' : 'offline';
      live.className = `badge ${isLive ? 'live' : 'offline'}`;
      if (!isLive && why) ctx.say(`Live stream: ${why}`, true);
    },
  );
  stopStream = () => stream.stop();
  signOut.addEventListener('click', () => {
    stopStream?.();
    api.setToken(null);
    sessionStorage.removeItem(REFRESH_KEY);
    showLogin();
  });
}

api.onUnauthorized(() => {
  stopStream?.();
  showLogin();
});
if (api.token()) showConsole();
else showLogin();
