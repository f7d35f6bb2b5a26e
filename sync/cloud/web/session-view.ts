/**
 * One synced session: its summary, charts of the crowd over time, per-dancer summaries, the
 * detected patterns and output events, and CSV export of any of its streams.
 */
import type { Session } from '../../web/kit/api.js';
import { timeChart } from '../../web/kit/chart.js';
import { fmt, h, kv, scroller } from '../../web/kit/dom.js';
import type { DancerSummary, DataPage, Summary, Timeline } from './wire.js';

/** Enough for a night at 1 Hz; the charts show the whole session. */
const MAX_POINTS = 50_000;

async function allOf(api: Session, id: number, stream: string, max = MAX_POINTS): Promise<DataPage['items']> {
  const items: DataPage['items'] = [];
  let after: string | null = null;
  do {
    const page: DataPage = await api.json<DataPage>(
      `/api/v1/sessions/${id}/data?stream=${encodeURIComponent(stream)}&limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`,
    );
    items.push(...page.items);
    after = page.next;
  } while (after && items.length < max);
  return items;
}

const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function download(api: Session, id: number, stream: string, status: HTMLElement): Promise<void> {
  status.textContent = `preparing ${stream}.csv…`;
  const res = await api.fetch(`/api/v1/sessions/${id}/export.csv?stream=${encodeURIComponent(stream)}`);
  if (!res.ok) {
    status.textContent = `export failed: ${res.status}`;
    return;
  }
  const blob = await res.blob();
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `${stream}.csv`;
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  status.textContent = `${name}: ${Math.round(blob.size / 1024)} KiB`;
}

export async function sessionView(api: Session, id: number): Promise<{ el: HTMLElement; mount(): void }> {
  const [summary, dancers, crowd, timeline] = await Promise.all([
    api.json<Summary>(`/api/v1/sessions/${id}`),
    api.json<DancerSummary[]>(`/api/v1/sessions/${id}/dancers`),
    allOf(api, id, 'crowd'),
    api.json<Timeline>(`/api/v1/sessions/${id}/timeline?limit=500`),
  ]);
  const crowdBox = h('div', { class: 'chart', id: 'session-crowd-chart' });
  const activeBox = h('div', { class: 'chart', id: 'session-active-chart' });
  const exportStatus = h('p', { class: 'muted', role: 'status', id: 'export-status' });

  const el = h(
    'div',
    { class: 'session' },
    h('p', {}, h('a', { href: '#/' }, '← Venues')),
    h('h1', { class: 'page-title', id: 'session-title' }, summary.name || `Event ${summary.event_id}`),
    h(
      'main',
      { class: 'grid', id: 'main' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'summary-title' },
        h('h2', { id: 'summary-title' }, 'Summary'),
        kv([
          [
            'When',
            `${summary.starts_at ? new Date(summary.starts_at).toLocaleString() : '—'} – ${summary.ends_at ? new Date(summary.ends_at).toLocaleTimeString() : '—'}`,
          ],
          ['Where', summary.location ?? '—'],
          ['Box', summary.box],
          ['Dancers', String(summary.dancers)],
          ['Crowd states', String(summary.crowd.samples)],
          ['Mean energy', fmt(summary.crowd.energy_mean)],
          ['Mean arousal', fmt(summary.crowd.arousal_mean)],
          ['Peak active', String(summary.crowd.peak_active_dancers)],
        ]),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'export-title' },
        h('h2', { id: 'export-title' }, 'Export'),
        h('p', { class: 'muted' }, 'One CSV per stream.'),
        h(
          'div',
          { class: 'row' },
          ...summary.streams.map((s) =>
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                'data-stream': s.stream,
                onclick: () =>
                  void download(api, id, s.stream, exportStatus).catch(
                    (err: unknown) => (exportStatus.textContent = `export failed: ${(err as Error).message}`),
                  ),
              },
              `${s.stream}.csv (${s.count})`,
            ),
          ),
        ),
        exportStatus,
      ),
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'crowd-title' },
        h('h2', { id: 'crowd-title' }, 'Crowd over time'),
        crowd.length ? crowdBox : h('p', { class: 'muted' }, 'no crowd states in this session'),
        crowd.length ? activeBox : null,
      ),
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'dancers-title' },
        h('h2', { id: 'dancers-title' }, 'Dancers'),
        h(
          'p',
          { class: 'muted', id: 'dancers-note' },
          `${summary.dancers} dancers took part; ${dancers.length} with biometrics synced. The others did not consent to cloud sync: their data stays on the box.`,
        ),
        scroller(
          h(
            'table',
            { id: 'dancer-table' },
            h('caption', { class: 'sr-only' }, 'Per-dancer summaries'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'Dancer'),
                h('th', { scope: 'col', class: 'num' }, 'HR mean'),
                h('th', { scope: 'col', class: 'num' }, 'HR max'),
                h('th', { scope: 'col', class: 'num' }, 'EDA µS'),
                h('th', { scope: 'col', class: 'num' }, 'Arousal'),
                h('th', { scope: 'col', class: 'num' }, 'High arousal'),
                h('th', { scope: 'col', class: 'num' }, 'Patterns'),
              ),
            ),
            h(
              'tbody',
              {},
              ...(dancers.length
                ? dancers.map((d) =>
                    h(
                      'tr',
                      {},
                      h('th', { scope: 'row' }, d.label),
                      h('td', { class: 'num' }, fmt(d.hr.mean, 0)),
                      h('td', { class: 'num' }, fmt(d.hr.max, 0)),
                      h('td', { class: 'num' }, fmt(d.eda_mean_us, 2)),
                      h('td', { class: 'num' }, fmt(d.arousal.mean, 2)),
                      h(
                        'td',
                        { class: 'num' },
                        d.arousal.high_share === null ? '—' : `${Math.round(d.arousal.high_share * 100)} %`,
                      ),
                      h('td', { class: 'num' }, d.patterns),
                    ),
                  )
                : [
                    h(
                      'tr',
                      {},
                      h(
                        'td',
                        { colspan: 7, class: 'muted' },
                        'no dancer data synced (dancers without cloud consent stay on the box)',
                      ),
                    ),
                  ]),
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card wide', 'aria-labelledby': 'timeline-title' },
        h('h2', { id: 'timeline-title' }, 'Patterns and events'),
        timeline.items.length
          ? h(
              'ul',
              { class: 'log', id: 'timeline' },
              ...timeline.items.map((t) =>
                h(
                  'li',
                  { 'data-kind': t.kind },
                  h('span', { class: 'muted' }, t.at ? new Date(t.at).toLocaleTimeString() : ''),
                  ` ${t.kind}: ${t.text}`,
                  t.dancer ? h('span', { class: 'muted' }, ` · ${t.dancer}`) : null,
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'no patterns detected and no output events in this session'),
        timeline.truncated
          ? h('p', { class: 'muted' }, 'Showing the first 500; export the streams for all of them.')
          : null,
      ),
    ),
  );
  return {
    el,
    mount() {
      if (!crowd.length) return;
      const times = crowd.map((c) => (c.at ? Date.parse(c.at) : 0));
      timeChart(
        crowdBox,
        'Energy, arousal and synchrony',
        [{ label: 'energy' }, { label: 'arousal' }, { label: 'beat sync' }, { label: 'inter sync' }],
        { height: 220 },
      ).set(times, [
        crowd.map((c) => n(c.data.energy)),
        crowd.map((c) => n(c.data.arousal_mean)),
        crowd.map((c) => n(c.data.beat_synchrony)),
        crowd.map((c) => n(c.data.inter_synchrony)),
      ]);
      timeChart(
        activeBox,
        'Active dancers and tempo',
        [
          { label: 'active', digits: 0 },
          { label: 'bpm', scale: 'bpm', digits: 0 },
        ],
        { height: 160 },
      ).set(times, [crowd.map((c) => n(c.data.active_dancers)), crowd.map((c) => n(c.data.bpm))]);
    },
  };
}
