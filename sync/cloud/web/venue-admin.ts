/**
 * What an organisation's owner or admin does on the home view: add a venue, and make a
 * one-time code that enrols a box there (shown once, with the command to run on the box).
 */
import type { Session } from '../../web/kit/api.js';
import { h } from '../../web/kit/dom.js';
import type { Org, Venue } from './wire.js';

export const canAdminister = (org: Org): boolean => org.role === 'owner' || org.role === 'admin';

/** A form that adds a venue to `org`, then calls `done` (the view redraws). */
export function newVenueForm(api: Session, org: Org, done: () => void): HTMLFormElement {
  const id = `new-venue-${org.id}`;
  const input = h('input', { id, name: 'name', required: true, maxlength: 200, autocomplete: 'off' });
  const status = h('p', { class: 'error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit' }, 'Add venue');
  const form = h(
    'form',
    { class: 'inline', 'aria-label': `Add a venue to ${org.name}` },
    h('label', { for: id }, 'New venue'),
    input,
    button,
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    button.disabled = true;
    status.hidden = true;
    api
      .json<Venue>(`/api/v1/orgs/${org.id}/venues`, { method: 'POST', jsonBody: { name: input.value } })
      .then(done)
      .catch((err: unknown) => {
        status.textContent = (err as Error).message;
        status.hidden = false;
      })
      .finally(() => (button.disabled = false));
  });
  return form;
}

/** A button that makes an enrolment code for `venue` and shows it (a code is shown only once). */
export function enrolmentCode(api: Session, venue: Venue): HTMLElement {
  const out = h('output', { class: 'code', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'secondary' }, 'Enrolment code');
  button.addEventListener('click', () => {
    button.disabled = true;
    api
      .json<{ code: string; expires_at: string }>(`/api/v1/venues/${venue.id}/enrolment-codes`, { method: 'POST' })
      .then((c) =>
        out.replaceChildren(
          h('strong', { class: 'mono' }, c.code),
          ` valid until ${new Date(c.expires_at).toLocaleString()}. On the box: `,
          h('code', {}, `codance sync enrol --cloud ${location.origin} --code ${c.code}`),
        ),
      )
      .catch((err: unknown) =>
        out.replaceChildren(h('span', { class: 'error', role: 'alert' }, (err as Error).message)),
      )
      .finally(() => (button.disabled = false));
  });
  return h('div', { class: 'enrol' }, button, out);
}
