/** The OSC monitor: per target, the rate on the wire, drops, latency percentiles and each rule's last message. */
import type { ConsoleState } from '../contracts.js';
import { ago, fill, fmt, h, kv, scroller } from '../../../sync/web/kit/dom.js';

export function oscPanel() {
  const body = h('div', { id: 'osc-targets' });
  const el = h(
    'section',
    { class: 'card wide', id: 'osc', 'aria-labelledby': 'osc-title' },
    h('h2', { id: 'osc-title' }, 'OSC monitor'),
    body,
  );
  return {
    el,
    update(s: ConsoleState) {
      if (s.osc.length === 0) return fill(body, h('p', { class: 'muted' }, 'no OSC targets configured (osc.targets)'));
      fill(
        body,
        ...s.osc.map((t) =>
          h(
            'div',
            { class: 'osc-target', 'data-target': t.name },
            h('h3', {}, `${t.name} → ${t.host}:${t.port} (${t.transport})`),
            kv([
              ['Rate', `${fmt(t.messagesPerS, 1)} msg/s`],
              ['Sent', `${t.messages} messages in ${t.packets} packets, ${t.dropped} dropped`],
              [
                'Latency',
                t.latencyMs.n
                  ? `p50 ${fmt(t.latencyMs.p50, 3)} · p95 ${fmt(t.latencyMs.p95, 3)} · p99 ${fmt(t.latencyMs.p99, 3)} · max ${fmt(t.latencyMs.max, 3)} ms (${t.latencyMs.n})`
                  : '—',
              ],
            ]),
            scroller(
              h(
                'table',
                { class: 'cards' },
                h('caption', { class: 'sr-only' }, `Last messages to ${t.name}`),
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'col' }, 'Last address'),
                    h('th', { scope: 'col', class: 'num' }, 'Value'),
                    h('th', { scope: 'col' }, 'Rule'),
                    h('th', { scope: 'col', class: 'num' }, 'Sent'),
                    h('th', { scope: 'col', class: 'num' }, 'Messages'),
                    h('th', { scope: 'col', class: 'num' }, 'Addresses'),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  ...t.last.map((m) =>
                    h(
                      'tr',
                      { 'data-rule': m.rule },
                      h('td', { class: 'mono', 'data-label': 'Address' }, m.address),
                      h(
                        'td',
                        { class: 'num', 'data-label': 'Value' },
                        typeof m.value === 'number' ? fmt(m.value, 3) : String(m.value ?? 'blob'),
                      ),
                      h('td', { class: 'mono', 'data-label': 'Rule' }, m.rule),
                      h('td', { class: 'num', 'data-label': 'Sent' }, ago(s.at - m.at)),
                      h('td', { class: 'num', 'data-label': 'Messages' }, m.count),
                      h('td', { class: 'num', 'data-label': 'Addresses' }, m.addresses),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    },
  };
}
