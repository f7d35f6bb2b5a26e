/** The first view: each organisation's venues with their boxes (last seen) and sessions. */
import type { Session } from '../../web/kit/api.js';
import { ago, h, scroller } from '../../web/kit/dom.js';
import type { Box, Org, SessionsPage, Venue } from './wire.js';
import { canAdminister, enrolmentCode, newVenueForm } from './venue-admin.js';
import { retentionPanel } from './retention-panel.js';

const SESSIONS_SHOWN = 20;
/** A box that synced within this long is online (it syncs every few seconds while it runs). */
const ONLINE_MS = 2 * 60_000;

const boxState = (b: Box, now: number): string =>
  !b.last_seen_at ? 'never synced' : now - Date.parse(b.last_seen_at) < ONLINE_MS ? 'online' : 'offline';

const sessionItem = (s: SessionsPage['items'][number]): HTMLLIElement =>
  h(
    'li',
    {},
    h('a', { href: `#/sessions/${s.id}` }, s.name || `event ${s.event_id}`),
    h(
      'span',
      { class: 'muted' },
      ` ${s.starts_at ? new Date(s.starts_at).toLocaleString() : ''}${s.location ? ` · ${s.location}` : ''}`,
    ),
  );

/** A venue's sessions, newest first, with a button that pages further back (keyset cursor). */
function sessionList(api: Session, venueId: number, first: SessionsPage): HTMLElement {
  if (!first.items.length) return h('p', { class: 'muted' }, 'no sessions synced yet');
  const list = h('ul', { class: 'sessions' }, ...first.items.map(sessionItem));
  let next = first.next;
  const more = h('button', { type: 'button', class: 'secondary', hidden: !next }, 'Older sessions');
  more.addEventListener('click', () => {
    if (!next) return;
    more.disabled = true;
    api
      .json<SessionsPage>(
        `/api/v1/venues/${venueId}/sessions?limit=${SESSIONS_SHOWN}&after=${encodeURIComponent(next)}`,
      )
      .then((page) => {
        list.append(...page.items.map(sessionItem));
        next = page.next;
        more.hidden = !next;
      })
      .catch((err: unknown) => list.after(h('p', { class: 'error', role: 'alert' }, (err as Error).message)))
      .finally(() => (more.disabled = false));
  });
  return h('div', {}, list, more);
}

export async function homeView(api: Session, redraw: () => void): Promise<HTMLElement> {
  const orgs = await api.json<Org[]>('/api/v1/orgs');
  const now = Date.now();
  const sections = await Promise.all(
    orgs.map(async (org) => {
      const venues = await api.json<Venue[]>(`/api/v1/orgs/${org.id}/venues`);
      const blocks = await Promise.all(
        venues.map(async (v) => {
          const [boxes, sessions] = await Promise.all([
            api.json<Box[]>(`/api/v1/venues/${v.id}/boxes`),
            api.json<SessionsPage>(`/api/v1/venues/${v.id}/sessions?limit=${SESSIONS_SHOWN}`),
          ]);
          return h(
            'section',
            { class: 'card', 'aria-labelledby': `venue-${v.id}` },
            h('h3', { id: `venue-${v.id}` }, v.name),
            scroller(
              h(
                'table',
                { class: 'boxes' },
                h('caption', { class: 'sr-only' }, `Boxes at ${v.name}`),
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'col' }, 'Box'),
                    h('th', { scope: 'col' }, 'State'),
                    h('th', { scope: 'col' }, 'Last seen'),
                    h('th', { scope: 'col', class: 'num' }, 'Last seq'),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  ...(boxes.length
                    ? boxes.map((b) =>
                        h(
                          'tr',
                          {},
                          h('th', { scope: 'row' }, b.name, h('div', { class: 'muted mono' }, b.uid)),
                          h('td', {}, boxState(b, now)),
                          h(
                            'td',
                            { title: b.last_seen_at ?? 'never' },
                            b.last_seen_at ? ago(now - Date.parse(b.last_seen_at)) : 'never',
                          ),
                          h('td', { class: 'num' }, b.last_seq),
                        ),
                      )
                    : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'no box enrolled yet'))]),
                ),
              ),
            ),
            ...(canAdminister(org) ? [enrolmentCode(api, v)] : []),
            h('h4', {}, 'Sessions'),
            sessionList(api, v.id, sessions),
          );
        }),
      );
      const retention = await retentionPanel(api, org);
      return h(
        'section',
        { class: 'org', 'aria-labelledby': `org-${org.id}` },
        h('h2', { id: `org-${org.id}` }, `${org.name} `, h('span', { class: 'badge' }, org.role)),
        venues.length ? h('div', { class: 'venues' }, ...blocks) : h('p', { class: 'muted' }, 'no venues yet'),
        ...(canAdminister(org) ? [newVenueForm(api, org, redraw)] : []),
        retention,
      );
    }),
  );
  return h(
    'div',
    { class: 'home' },
    h('h1', { class: 'page-title' }, 'Venues'),
    ...(sections.length ? sections : [h('p', {}, 'You are not a member of any organisation yet.')]),
  );
}
