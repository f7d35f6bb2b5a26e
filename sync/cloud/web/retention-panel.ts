/**
 * An organisation's retention policy on the home view: how long each sync class is kept, for
 * every member to see; an owner or admin changes it in place.
 */
import type { Session } from '../../web/kit/api.js';
import { h } from '../../web/kit/dom.js';
import type { Org, Retention } from './wire.js';
import { canAdminister } from './venue-admin.js';

const labels: Record<Retention['policies'][number]['class'], string> = {
  records: 'Records (people, events, registrations)',
  features: 'Readings (heart rate, EDA, arousal, movement)',
  raw: 'Raw streams (IMU, ECG, PPG)',
};

const kept = (days: number): string => (days === 0 ? 'kept for ever' : `${days} days`);

export async function retentionPanel(api: Session, org: Org): Promise<HTMLElement> {
  const policy = await api.json<Retention>(`/api/v1/orgs/${org.id}/retention`);
  const status = h('p', { role: 'status', class: 'muted' });
  const rows = policy.policies.map((p) => {
    const id = `retention-${org.id}-${p.class}`;
    const value = canAdminister(org)
      ? h('input', { id, name: p.class, type: 'number', min: 0, max: 3650, value: String(p.days), class: 'days' })
      : h('span', { id }, kept(p.days));
    return h('div', { class: 'retention-row' }, h('label', { for: id }, labels[p.class]), value);
  });
  const body = h(
    'section',
    { class: 'card retention', 'aria-labelledby': `retention-${org.id}` },
    h('h3', { id: `retention-${org.id}` }, 'Data retention'),
    h('p', { class: 'muted' }, 'Days the cloud keeps each kind of synced data (0 = for ever); applied every hour.'),
    ...rows,
    status,
  );
  if (!canAdminister(org)) return body;
  const button = h('button', { type: 'submit' }, 'Save retention');
  const form = h('form', { 'aria-label': `Retention of ${org.name}` }, body, button);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    button.disabled = true;
    const data = new FormData(form);
    const jsonBody = Object.fromEntries(policy.policies.map((p) => [p.class, Number(data.get(p.class))]));
    api
      .json<Retention>(`/api/v1/orgs/${org.id}/retention`, { method: 'PUT', jsonBody })
      .then((now) => {
        status.className = 'muted';
        status.textContent = `Saved: ${now.policies.map((p) => `${p.class} ${kept(p.days)}`).join(', ')}`;
      })
      .catch((err: unknown) => {
        status.className = 'error';
        status.textContent = (err as Error).message;
      })
      .finally(() => (button.disabled = false));
  });
  return form;
}
