/** The music clock, mapping presets with their switch, and what is playing (song and live choreography). */
import type { z } from '@hono/zod-openapi';
import type { ConsoleState } from '../contracts.js';
import type { presetsOut } from '../../api/schemas/mapping.js';
import { fill, fmt, h, kv } from '../../../sync/web/kit/dom.js';
import type { PanelContext } from './context.js';

type Presets = z.output<typeof presetsOut>;

export function clockPanel() {
  const count = h('div', { class: 'big', id: 'clock-count', 'aria-live': 'off' }, '—');
  const facts = h('div', { id: 'clock-facts' });
  const el = h(
    'section',
    { class: 'card', id: 'clock', 'aria-labelledby': 'clock-title' },
    h('h2', { id: 'clock-title' }, 'Music clock'),
    count,
    facts,
  );
  return {
    el,
    update(s: ConsoleState) {
      const c = s.clock;
      if (!c) return fill(facts, 'the clock is not running');
      count.textContent = `${fmt(c.bpm, 1)} bpm · next ${c.next_beat.count}`;
      fill(
        facts,
        kv([
          ['Source', c.source],
          ['Running', c.running ? 'yes' : 'no'],
          ['Heard', c.live_sources.join(', ')],
          ['Beats announced', String(c.beats_announced)],
        ]),
      );
    },
  };
}

export function presetsPanel(ctx: PanelContext) {
  const sound = h('select', { id: 'preset-sound', name: 'sound' });
  const visual = h('select', { id: 'preset-visualization', name: 'visualization' });
  const active = h('p', { id: 'presets-active', class: 'muted' });
  const button = h('button', { type: 'submit' }, 'Switch');
  const form = h(
    'form',
    { class: 'row', 'aria-label': 'Switch mapping presets' },
    h('label', { for: 'preset-sound' }, 'Sound'),
    sound,
    h('label', { for: 'preset-visualization' }, 'Visualization'),
    visual,
    button,
  );
  const el = h(
    'section',
    { class: 'card', id: 'presets', 'aria-labelledby': 'presets-title' },
    h('h2', { id: 'presets-title' }, 'Mapping presets'),
    active,
    form,
  );
  let last = '';

  const load = async (): Promise<void> => {
    const p = await ctx.api.json<Presets>('/api/v1/mapping/presets');
    const options = (kind: 'sound' | 'visualization') => [
      h('option', { value: '' }, 'none'),
      ...p.presets
        .filter((x) => x.kind === kind)
        .map((x) =>
          h(
            'option',
            {
              value: x.name,
              selected: p.active[kind] === x.name,
              disabled: x.problem !== null,
              title: x.problem ?? undefined,
            },
            `${x.name}${x.rules === null ? '' : ` (${x.rules} rules)`}`,
          ),
        ),
    ];
    fill(sound, ...options('sound'));
    fill(visual, ...options('visualization'));
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    button.disabled = true;
    ctx.api
      .json('/api/v1/mapping/active', {
        method: 'PUT',
        jsonBody: { sound: sound.value || null, visualization: visual.value || null },
      })
      .then(() => ctx.say(`Presets switched: sound ${sound.value || 'none'}, visualization ${visual.value || 'none'}.`))
      .catch((err: unknown) => ctx.say(`Switch failed: ${(err as Error).message}`, true))
      .finally(() => {
        button.disabled = false;
        ctx.refresh();
      });
  });
  return {
    el,
    load,
    update(s: ConsoleState) {
      if (!s.mapping) return;
      const now = `Active: sound ${s.mapping.active.sound ?? 'none'}, visualization ${s.mapping.active.visualization ?? 'none'} · ${s.mapping.rules} rules running`;
      active.textContent = now;
      const key = JSON.stringify(s.mapping.active);
      // Someone else switched (MQTT, OSC, another console): show their choice.
      if (key !== last) {
        last = key;
        void load().catch(() => undefined);
      }
    },
  };
}

export function playingPanel() {
  const body = h('div', { id: 'playing-now' });
  const el = h(
    'section',
    { class: 'card', id: 'playing', 'aria-labelledby': 'playing-title' },
    h('h2', { id: 'playing-title' }, 'Playing'),
    body,
  );
  return {
    el,
    update(s: ConsoleState) {
      const p = s.playback;
      const l = s.live;
      fill(
        body,
        h('h3', {}, 'Song'),
        p && p.state === 'playing'
          ? kv([
              ['Title', p.title ?? '—'],
              ['Position', `${fmt(p.position_s, 1)} / ${fmt(p.duration_s, 0)} s`],
              ['Tempo', fmt(p.tempo, 1, ' bpm')],
            ])
          : h('p', { class: 'muted' }, p ? `${p.state}${p.detail ? `: ${p.detail}` : ''}` : 'no playback on this box'),
        h('h3', {}, 'Choreography'),
        l && l.state !== 'idle'
          ? kv([
              ['Routine', l.name ?? '—'],
              ['State', l.state],
              ['Move', l.move ? `${l.move.index + 1}. ${l.move.name}` : '—'],
              ['Count', `${l.count} / ${l.totalCounts}`],
            ])
          : h('p', { class: 'muted' }, 'no choreography playing'),
      );
    },
  };
}
