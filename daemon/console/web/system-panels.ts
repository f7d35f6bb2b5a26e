/** Cloud sync (backlog, last success, send now), health of every subsystem, doctor's checks, dancers checked in, and the log. */
import type { ConsoleState, DoctorView, LogLine } from '../contracts.js';
import { ago, fill, h, kv, scroller } from '../../../sync/web/kit/dom.js';
import type { PanelContext } from './context.js';

const MAX_LOG = 100;

export function syncPanel(ctx: PanelContext) {
  const body = h('div', { id: 'sync-now' });
  const button = h('button', { type: 'button', class: 'secondary' }, 'Sync now');
  button.addEventListener('click', () => {
    ctx.api
      .json<{ backlog: number }>('/api/v1/sync/now', { method: 'POST' })
      .then((r) => ctx.say(`Sending ${r.backlog} waiting records now.`))
      .catch((err: unknown) => ctx.say(`Sync now failed: ${(err as Error).message}`, true));
  });
  const el = h(
    'section',
    { class: 'card', id: 'sync', 'aria-labelledby': 'sync-title' },
    h('h2', { id: 'sync-title' }, 'Cloud sync'),
    body,
    button,
  );
  return {
    el,
    update(s: ConsoleState) {
      const y = s.sync;
      button.hidden = !y;
      if (!y) return fill(body, h('p', { class: 'muted' }, 'sync is off on this box (sync.enabled)'));
      const since = (at: number | null) => (at === null ? 'never' : ago(s.at - at));
      fill(
        body,
        kv([
          ['State', y.state === 'not_enrolled' ? 'not enrolled (codance sync enrol)' : y.state],
          ['Cloud', y.cloud ?? '—'],
          [
            'Backlog',
            `${y.backlog.entries} records, ${Math.round(y.backlog.bytes / 1024)} KiB${y.backlog.oldestUnsentAgeS === null ? '' : `, oldest ${Math.round(y.backlog.oldestUnsentAgeS)} s`}`,
          ],
          ['Last success', since(y.lastSuccessAt)],
          ['Last error', y.lastError ?? '—'],
          ['Sent', `${y.sent.records} records in ${y.sent.batches} batches`],
        ]),
      );
    },
  };
}

export function healthPanel(ctx: PanelContext) {
  const list = h('div', { id: 'health-now' });
  const doctor = h('div', { id: 'doctor-report', 'aria-live': 'polite' });
  const run = h('button', { type: 'button', class: 'secondary' }, 'Run doctor');
  run.addEventListener('click', () => {
    run.disabled = true;
    fill(doctor, h('p', { class: 'muted' }, 'running checks…'));
    ctx.api
      .json<DoctorView>('/api/v1/console/doctor')
      .then((r) =>
        fill(
          doctor,
          h(
            'p',
            {},
            r.blocking
              ? 'The daemon could not start again until the FAIL rows are fixed.'
              : 'Nothing blocks the daemon.',
          ),
          scroller(
            h(
              'table',
              {},
              h('caption', { class: 'sr-only' }, 'Doctor checks'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, 'Check'),
                  h('th', { scope: 'col' }, 'Status'),
                  h('th', { scope: 'col' }, 'Detail'),
                  h('th', { scope: 'col' }, 'What to do'),
                ),
              ),
              h(
                'tbody',
                {},
                ...r.rows.map((x) =>
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'row' }, x.name),
                    h('td', {}, h('span', { class: `badge ${x.status}` }, x.status.toUpperCase())),
                    h('td', { class: 'wrap' }, x.detail),
                    h('td', { class: 'wrap' }, x.status === 'ok' ? '' : (x.fix ?? '')),
                  ),
                ),
              ),
            ),
          ),
        ),
      )
      .catch((err: unknown) => fill(doctor, h('p', { class: 'error' }, `doctor failed: ${(err as Error).message}`)))
      .finally(() => (run.disabled = false));
  });
  const el = h(
    'section',
    { class: 'card wide', id: 'health', 'aria-labelledby': 'health-title' },
    h('h2', { id: 'health-title' }, 'Health'),
    list,
    run,
    doctor,
  );
  return {
    el,
    update(s: ConsoleState) {
      fill(
        list,
        h(
          'ul',
          {},
          ...s.subsystems.map((c) =>
            h(
              'li',
              {},
              h('strong', {}, c.id),
              ' ',
              h('span', { class: `state-${c.state}` }, c.state),
              c.detail ? h('span', { class: 'muted' }, ` — ${c.detail}`) : null,
            ),
          ),
        ),
      );
    },
  };
}

export function dancersPanel() {
  const body = h('div', { id: 'dancers-now' });
  const el = h(
    'section',
    { class: 'card', id: 'dancers', 'aria-labelledby': 'dancers-title' },
    h('h2', { id: 'dancers-title' }, 'Dancers checked in'),
    body,
  );
  return {
    el,
    update(s: ConsoleState) {
      if (!s.event) return fill(body, h('p', { class: 'muted' }, 'no event is on now'));
      fill(
        body,
        h('p', {}, `${s.event.name}: ${s.dancers.length} checked in`),
        h(
          'ul',
          {},
          ...s.dancers.map((d) =>
            h(
              'li',
              {},
              d.slot !== null ? h('strong', { title: 'output slot' }, `${d.slot} `) : null,
              d.username,
              h('span', { class: 'muted' }, d.device ? ` wears ${d.device}` : ' no device'),
            ),
          ),
        ),
      );
    },
  };
}

export function logPanel() {
  const list = h('ul', { class: 'log', id: 'log-lines', 'aria-live': 'off' });
  const el = h(
    'section',
    { class: 'card', id: 'log', 'aria-labelledby': 'log-title' },
    h('h2', { id: 'log-title' }, 'Detections and cues'),
    list,
  );
  return {
    el,
    add(line: LogLine) {
      list.prepend(h('li', {}, h('span', { class: 'muted' }, new Date(line.at).toLocaleTimeString()), ` ${line.text}`));
      while (list.children.length > MAX_LOG) list.lastElementChild?.remove();
    },
  };
}
