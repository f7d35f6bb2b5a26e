/**
 * Devices: every wearable and controller with its wearer, battery, RSSI, last sample age,
 * connection state and reconnects; a wearable is paired to a dancer checked in to the current
 * event (POST …/assign) or released, right from its row.
 */
import type { ConsoleState } from '../contracts.js';
import { ago, fill, fmt, h, scroller } from '../../../sync/web/kit/dom.js';
import type { PanelContext } from './context.js';

export function devicesPanel(ctx: PanelContext): { el: HTMLElement; update(s: ConsoleState): void } {
  const body = h('tbody');
  const summary = h('p', { class: 'muted', id: 'devices-summary' });
  const el = h(
    'section',
    { class: 'card wide', id: 'devices', 'aria-labelledby': 'devices-title' },
    h('h2', { id: 'devices-title' }, 'Devices'),
    summary,
    scroller(
      h(
        'table',
        { class: 'cards' },
        h('caption', { class: 'sr-only' }, 'Devices, their wearers and their link'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Device'),
            h('th', { scope: 'col' }, 'Dancer'),
            h(
              'th',
              { scope: 'col', class: 'num', title: 'the output slot: /codance/dancer/{slot}/…, light N' },
              'Slot',
            ),
            h('th', { scope: 'col' }, 'State'),
            h('th', { scope: 'col', class: 'num' }, 'Battery'),
            h('th', { scope: 'col', class: 'num' }, 'RSSI'),
            h('th', { scope: 'col', class: 'num' }, 'Last sample'),
            h('th', { scope: 'col', class: 'num' }, 'Reconnects'),
            h('th', { scope: 'col' }, 'Pair'),
          ),
        ),
        body,
      ),
    ),
  );
  // Rows are rebuilt each second; a row the technician is pairing must not be replaced under
  // them, until they act or leave it for a while.
  let editingAt = -Infinity;
  const HOLD_MS = 15_000;
  const hold = (): void => {
    editingAt = Date.now();
  };

  const assign = async (deviceId: number, userId: number, eventId: number | null, label: string): Promise<void> => {
    try {
      await ctx.api.json(`/api/v1/biometrics/devices/${deviceId}/assign`, {
        method: 'POST',
        jsonBody: { user_id: userId, ...(eventId !== null && { event_id: eventId }) },
      });
      ctx.say(`Paired ${label}.`);
    } catch (err) {
      ctx.say(`Pairing failed: ${(err as Error).message}`, true);
    }
    editingAt = -Infinity;
    ctx.refresh();
  };
  const release = async (deviceId: number, label: string): Promise<void> => {
    try {
      await ctx.api.json(`/api/v1/biometrics/devices/${deviceId}/release`, { method: 'POST' });
      ctx.say(`Released ${label}.`);
    } catch (err) {
      ctx.say(`Release failed: ${(err as Error).message}`, true);
    }
    ctx.refresh();
  };

  return {
    el,
    update(s) {
      const byState: Record<string, number> = {};
      for (const d of s.devices) byState[d.state] = (byState[d.state] ?? 0) + 1;
      summary.textContent = `${s.devices.length} devices: ${
        Object.entries(byState)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ') || 'none yet'
      }`;
      if (Date.now() - editingAt < HOLD_MS) return;
      fill(
        body,
        ...s.devices.map((d) => {
          let pair: HTMLElement | string = '';
          const deviceId = d.device_id;
          const wearer = d.dancer;
          if (deviceId !== null && wearer) {
            pair = h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                'aria-label': `Release ${d.name} from ${wearer.username}`,
                onclick: () => void release(deviceId, `${d.name} from ${wearer.username}`),
              },
              'Release',
            );
          } else if (deviceId !== null) {
            const free = s.dancers.filter((x) => x.device === null);
            const select = h(
              'select',
              { 'aria-label': `Dancer for ${d.name}`, onfocus: hold, onpointerdown: hold, onchange: hold },
              h('option', { value: '' }, free.length ? 'choose dancer…' : 'no dancer checked in'),
              ...free.map((x) => h('option', { value: x.id }, x.username)),
            );
            const button = h(
              'button',
              {
                type: 'button',
                'aria-label': `Pair ${d.name}`,
                onclick: () => {
                  const userId = Number(select.value);
                  if (!userId) return ctx.say('Choose a dancer first.', true);
                  const who = free.find((x) => x.id === userId)?.username ?? String(userId);
                  void assign(deviceId, userId, s.event?.id ?? null, `${d.name} to ${who}`);
                },
              },
              'Pair',
            );
            pair = h('div', { class: 'row' }, select, button);
          }
          return h(
            'tr',
            { 'data-device': d.id },
            h('th', { scope: 'row' }, h('div', {}, d.name), h('div', { class: 'muted mono' }, d.id)),
            h('td', { 'data-label': 'Dancer' }, d.dancer?.username ?? '—'),
            h('td', { class: 'num', 'data-label': 'Slot', 'data-field': 'slot' }, d.slot ?? '—'),
            h(
              'td',
              { class: `state-${d.state}`, 'data-label': 'State' },
              d.state,
              d.last_error ? h('div', { class: 'muted' }, d.last_error) : null,
            ),
            h('td', { class: 'num', 'data-label': 'Battery' }, fmt(d.battery_percent, 0, ' %')),
            h('td', { class: 'num', 'data-label': 'RSSI' }, fmt(d.rssi, 0, ' dBm')),
            h('td', { class: 'num', 'data-field': 'age', 'data-label': 'Last sample' }, ago(d.last_sample_age_ms)),
            h('td', { class: 'num', 'data-label': 'Reconnects' }, d.reconnects),
            h('td', { 'data-label': 'Pair' }, pair),
          );
        }),
      );
    },
  };
}
