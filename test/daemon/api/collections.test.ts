/**
 * /api/v1/collections: saving a blueprint and a completed task's, listing, reading, deleting
 * (each enqueued for the cloud), statistics, and who sees what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from '../../helpers/api-app.js';
import { tinyBlueprint } from '../../helpers/api-makers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
});
afterAll(async () => {
  await h.stop();
});

interface Collection {
  id: number;
  name: string;
  moves: number;
  duration_s: number;
  level: string;
  blueprint?: typeof tinyBlueprint;
}

describe('collections', () => {
  it('saves, lists, reads and deletes, each change enqueued for the cloud; a dancer sees only their own', async () => {
    const outbox = () =>
      h.store.sqlite.prepare(`SELECT op FROM outbox WHERE entity = 'collections' ORDER BY seq`).all() as {
        op: string;
      }[];
    const before = outbox().length;
    const saved = await h.call('/api/v1/collections', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { name: 'Friday routine', description: 'for the social', blueprint: tinyBlueprint },
    });
    expect(saved.status, saved.text).toBe(201);
    const c = saved.body as Collection;
    expect(c).toMatchObject({ name: 'Friday routine', moves: 1, duration_s: 3.8, level: 'beginner' });
    // A blueprint given without notes reads back with an empty list.
    expect(c.blueprint).toEqual({ ...tinyBlueprint, notes: [] });
    expect((await h.call(`/api/v1/collections/${c.id}`, { token: h.tokens.dancer })).status).toBe(200);
    expect((await h.call(`/api/v1/collections/${c.id}`, { token: h.tokens.other })).status).toBe(404);
    expect((await h.call(`/api/v1/collections/${c.id}`, { token: h.tokens.technician })).status).toBe(200);
    const list = (await h.call('/api/v1/collections', { token: h.tokens.dancer })).body as Collection[];
    expect(list.map((x) => x.id)).toContain(c.id);
    expect(
      ((await h.call('/api/v1/collections', { token: h.tokens.other })).body as Collection[]).map((x) => x.id),
    ).not.toContain(c.id);
    expect((await h.call(`/api/v1/collections/${c.id}`, { method: 'DELETE', token: h.tokens.other })).status).toBe(404);
    expect((await h.call(`/api/v1/collections/${c.id}`, { method: 'DELETE', token: h.tokens.dancer })).status).toBe(
      204,
    );
    expect((await h.call(`/api/v1/collections/${c.id}`, { token: h.tokens.dancer })).status).toBe(404);
    expect(
      outbox()
        .slice(before)
        .map((o) => o.op),
    ).toEqual(['upsert', 'delete']);
  });

  it('counts collections, moves and the most used moves', async () => {
    for (const name of ['a', 'b'])
      await h.call('/api/v1/collections', {
        method: 'POST',
        token: h.tokens.other,
        body: { name, blueprint: tinyBlueprint },
      });
    const stats = (await h.call('/api/v1/collections/stats', { token: h.tokens.other })).body as {
      collections: number;
      total_moves: number;
      by_level: Record<string, number>;
      top_moves: { move: string; times: number }[];
      mean_duration_s: number;
    };
    expect(stats).toMatchObject({
      collections: 2,
      total_moves: 2,
      by_level: { beginner: 2 },
      top_moves: [{ move: 'basic-side', times: 2 }],
      mean_duration_s: 3.8,
    });
  });

  it('refuses what cannot be saved, naming the field', async () => {
    const neither = await h.call('/api/v1/collections', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { name: 'x' },
    });
    expect(neither.status).toBe(422);
    expect(neither.text).toMatch(/task_id/);
    expect(
      (
        await h.call('/api/v1/collections', {
          method: 'POST',
          token: h.tokens.dancer,
          body: { name: 'x', task_id: 99_999 },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await h.call('/api/v1/collections', {
          method: 'POST',
          token: h.tokens.dancer,
          body: { name: 'x', blueprint: { ...tinyBlueprint, steps: 'no' } },
        })
      ).status,
    ).toBe(422);
  });
});
