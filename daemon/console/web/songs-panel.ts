/**
 * The song library's count: pick a song, see the tempo it is counted at and how sure the
 * analysis is of that level, and switch to half or double time in one tap when the analysis
 * offers the other octave (a ballad heard at double time, a fast song at half).
 */
import type { z } from '@hono/zod-openapi';
import type { songDetailOut } from '../../api/schemas/songs.js';
import { fill, fmt, h, kv } from '../../../sync/web/kit/dom.js';
import type { PanelContext } from './context.js';

type Song = z.output<typeof songDetailOut>;

export function songsPanel(ctx: PanelContext) {
  const pick = h('select', { id: 'song-pick', name: 'song' });
  const facts = h('div', { id: 'song-count-facts' });
  const tap = h('button', { type: 'button', id: 'song-count', hidden: true }, 'Switch');
  const el = h(
    'section',
    { class: 'card', id: 'songs', 'aria-labelledby': 'songs-title' },
    h('h2', { id: 'songs-title' }, 'Song count'),
    h('div', { class: 'row' }, h('label', { for: 'song-pick' }, 'Song'), pick),
    facts,
    tap,
  );
  let song: Song | undefined;

  const show = (s: Song) => {
    song = s;
    const a = s.analysis;
    const alt = a.alternativeTempo;
    fill(
      facts,
      kv([
        ['Counted at', a.tempo === null ? 'no steady beat' : `${fmt(a.tempo, 1)} bpm`],
        ['Sure of that level', a.tempoConfidence === undefined ? '—' : `${Math.round(a.tempoConfidence * 100)} %`],
        ['Or', alt ? `${alt.relation} time, ${fmt(alt.bpm, 1)} bpm` : 'no other octave in range'],
      ]),
    );
    tap.hidden = !alt;
    if (alt) tap.textContent = `Count ${alt.relation} time (${fmt(alt.bpm, 1)} bpm)`;
  };
  const open = async (id: string) => {
    if (!id) {
      fill(facts, 'no song in the library');
      tap.hidden = true;
      return;
    }
    show(await ctx.api.json<Song>(`/api/v1/songs/${id}`));
  };
  pick.addEventListener(
    'change',
    () => void open(pick.value).catch((err: unknown) => ctx.say(`Song: ${(err as Error).message}`, true)),
  );
  tap.addEventListener('click', () => {
    const s = song;
    const alt = s?.analysis.alternativeTempo;
    if (!s || !alt) return;
    tap.disabled = true;
    void ctx.api
      .json<Song>(`/api/v1/songs/${s.id}/count`, { method: 'POST', jsonBody: { count: alt.relation } })
      .then((next) => {
        show(next);
        ctx.say(`${s.title} is counted at ${fmt(next.analysis.tempo, 1)} bpm`);
      })
      .catch((err: unknown) => ctx.say(`Count: ${(err as Error).message}`, true))
      .finally(() => (tap.disabled = false));
  });
  return {
    el,
    async load() {
      const page = await ctx.api.json<{ items: { id: number; title: string }[] }>('/api/v1/songs?limit=500');
      fill(pick, ...page.items.map((s) => h('option', { value: String(s.id) }, s.title)));
      await open(pick.value);
    },
  };
}
