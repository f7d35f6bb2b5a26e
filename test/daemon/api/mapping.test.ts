import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../config/index.js';
import { LiveMapping } from '../../../daemon/mapping/live-mapping.js';
import { apiHarness, errorOf, type ApiHarness } from '../../helpers/api-app.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
});
afterAll(async () => {
  await h.stop();
});

const strobe = {
  id: 'strobe',
  source: { kind: 'crowd', metric: 'energy' },
  scale: { threshold: { on: 0.8, off: 0.6 } },
  target: { kind: 'visualization', type: 'strobe_burst' },
};

describe('live mapping over the API', () => {
  it('adds, replaces and removes rules, validating each as a whole and naming the bad field', async () => {
    const t = h.tokens.technician;
    const put = await h.call('/api/v1/mapping/rules/strobe', { method: 'PUT', token: t, body: strobe });
    expect(put.status).toBe(200);
    expect((put.body as { rules: { id: string }[] }).rules.map((r) => r.id)).toContain('strobe');
    const bad = await h.call('/api/v1/mapping/rules/strobe', {
      method: 'PUT',
      token: t,
      body: { ...strobe, scale: {} },
    });
    expect(bad.status).toBe(422);
    expect(errorOf(bad.body).message).toMatch(/scale\.threshold: a visualization target fires on events/);
    const mismatch = await h.call('/api/v1/mapping/rules/other', { method: 'PUT', token: t, body: strobe });
    expect(errorOf(mismatch.body)).toMatchObject({ code: 'validation_failed', field: 'body.id' });
    expect((await h.call('/api/v1/mapping/rules/strobe', { method: 'DELETE', token: t })).status).toBe(200);
    expect((await h.call('/api/v1/mapping/rules/strobe', { method: 'DELETE', token: t })).status).toBe(404);
    expect((await h.call('/api/v1/mapping', { token: h.tokens.dancer })).status).toBe(403);
  });

  it('switches to a stored visualization preset whose parameters carry rules, and explains one that cannot be used', async () => {
    const t = h.tokens.technician;
    await h.call('/api/v1/visualization/presets', {
      token: t,
      body: { name: 'club', parameters: { rules: [strobe] } },
    });
    await h.call('/api/v1/visualization/presets', {
      token: t,
      body: { name: 'broken', parameters: { rules: [{ id: 'x' }] } },
    });
    const list = await h.call('/api/v1/mapping/presets', { token: t });
    const presets = (list.body as { presets: { name: string; rules: number | null; problem: string | null }[] })
      .presets;
    expect(presets.find((p) => p.name === 'club')).toMatchObject({ rules: 1, problem: null });
    expect(presets.find((p) => p.name === 'broken')?.problem).toMatch(/^parameters\.rules\.0\.source: /);
    const on = await h.call('/api/v1/mapping/active', { method: 'PUT', token: t, body: { visualization: 'club' } });
    expect(on.body).toEqual({ sound: null, visualization: 'club' });
    expect(h.room.mapping.effective().map((r) => r.id)).toContain('visualization.club.strobe');
    const broken = await h.call('/api/v1/mapping/active', {
      method: 'PUT',
      token: t,
      body: { visualization: 'broken' },
    });
    expect(broken.status).toBe(422);
    expect((await h.call('/api/v1/mapping/active', { method: 'PUT', token: t, body: { sound: 'club' } })).status).toBe(
      404,
    ); // it is a visualization preset
    expect(h.room.mapping.activePresets().visualization).toBe('club');
  });

  it("keeps live edits across a restart, unless the config file's mapping changed since", () => {
    const config = configSchema.parse({});
    h.room.mapping.putRule({ ...strobe, id: 'kept' });
    const again = new LiveMapping(config.mapping, h.store.sqlite, () => undefined);
    expect(again.restoredFrom).toBe('store');
    expect(again.rules().map((r) => r.id)).toContain('kept');
    expect(again.activePresets().visualization).toBe('club');
    const edited = configSchema.parse({
      mapping: { rules: [{ id: 'only', source: { kind: 'cue' }, target: { kind: 'osc', address: '/cue' } }] },
    });
    const fromFile = new LiveMapping(edited.mapping, h.store.sqlite, () => undefined);
    expect(fromFile.restoredFrom).toBe('config');
    expect(fromFile.rules().map((r) => r.id)).toEqual(['only']);
  });

  it('tells the room of every change with the rules and the active presets, so it can announce it', () => {
    const config = configSchema.parse({});
    const told: { rules: number; active: { sound: string | null; visualization: string | null } }[] = [];
    const mapping = new LiveMapping(config.mapping, h.store.sqlite, (rules, active) =>
      told.push({ rules: rules.length, active }),
    );
    told.length = 0;
    mapping.activate('visualization', null);
    mapping.putRule({ ...strobe, id: 'told' });
    expect(told).toHaveLength(2);
    expect(told[0]!.active).toEqual({ sound: null, visualization: null });
    expect(told[1]!.rules).toBe(told[0]!.rules + 1);
  });

  it('shows the music clock to anyone signed in', async () => {
    const res = await h.call('/api/v1/clock', { token: h.tokens.dancer });
    expect(res.body).toMatchObject({ bpm: 120, source: 'fallback', running: true });
  });
});
