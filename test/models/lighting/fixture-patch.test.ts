/** The fixture patch as numbers: layouts, colour along the palette, the idle look and its fade. */
import { describe, expect, it } from 'vitest';
import { fixtureSchema } from '../../../config/dmx.js';
import { along, FixturePatch } from '../../../models/lighting/fixture-patch.js';

const raw = (over: object) => ({ name: 'pars', universe: 1, address: 1, profile: 'rgb-dimmer', slots: '1-4', ...over });
const fixture = (over: object) => fixtureSchema.parse(raw(over));

describe('fixture patch', () => {
  it("puts slot N's light at address + (N-1)·stride, in the profile's channel order", () => {
    const patch = new FixturePatch([fixture({ profile: 'dimmer-rgbw', address: 10, stride: 6, slots: '3-5' })]);
    patch.set('pars', 4, 'dimmer', 1, 0);
    patch.set('pars', 4, 'red', 0.5, 0);
    patch.set('pars', 4, 'white', 1, 0);
    const f = patch.frame(1, 0);
    // Slot 4 is the second light: channels 16..20 (dimmer, r, g, b, w).
    expect([...f.subarray(15, 20)]).toEqual([255, 128, 0, 80, 255]);
    // Slot 3 (first light) and 5 (third) show the idle look: dimmer 0.15, colour 0,0,80.
    expect([...f.subarray(9, 14)]).toEqual([38, 0, 0, 80, 0]);
    expect([...f.subarray(21, 26)]).toEqual([38, 0, 0, 80, 0]);
    expect(patch.set('pars', 9, 'dimmer', 1, 0)).toBeUndefined(); // no light for slot 9
    expect(patch.set('nothing', 1, 'dimmer', 1, 0)).toBeUndefined();
  });

  it('runs a colour value along the palette, and dims an RGB light without a dimmer channel', () => {
    const palette = [
      [0, 0, 255],
      [255, 0, 0],
    ] as [number, number, number][];
    expect(along(palette, 0)).toEqual([0, 0, 255]);
    expect(along(palette, 0.5)).toEqual([128, 0, 128]);
    expect(along(palette, 1)).toEqual([255, 0, 0]);
    const patch = new FixturePatch([fixture({ profile: 'rgb', palette, slots: '1' })]);
    patch.set('pars', 1, 'colour', 1, 0);
    patch.set('pars', 1, 'dimmer', 0.5, 0);
    expect([...patch.frame(1, 0).subarray(0, 3)]).toEqual([128, 0, 0]);
  });

  it('fades a light nobody drives to the idle look after holdMs, over fadeMs; `all` sets every light', () => {
    const patch = new FixturePatch([fixture({ profile: 'dimmer', slots: '1-2', holdMs: 1000, fadeMs: 1000 })]);
    patch.set('pars', 'all', 'dimmer', 1, 0);
    expect([...patch.frame(1, 500).subarray(0, 2)]).toEqual([255, 255]);
    expect(patch.frame(1, 1500)[0]).toBe(Math.round((1 + (0.15 - 1) * 0.5) * 255));
    expect(patch.frame(1, 2500)[0]).toBe(38);
    patch.set('pars', 2, 'dimmer', 1, 2500);
    expect([...patch.frame(1, 2600).subarray(0, 2)]).toEqual([38, 255]);
  });

  it('refuses a patch that runs past channel 512, a stride narrower than the light, and overlapping fixtures', async () => {
    const { dmxSchema } = await import('../../../config/dmx.js');
    expect(fixtureSchema.safeParse(raw({ address: 500, slots: '1-4' })).error?.issues[0]?.message).toMatch(
      /end at channel 515, past 512/,
    );
    expect(fixtureSchema.safeParse(raw({ stride: 2 })).error?.issues[0]?.message).toMatch(
      /at least the rgb-dimmer width/,
    );
    const overlap = dmxSchema.safeParse({
      outputs: [{ name: 'o', protocol: 'sacn', universes: [1] }],
      fixtures: [raw({}), raw({ name: 'wash', address: 16, profile: 'dimmer', slots: '1' })],
    });
    expect(overlap.error?.issues[0]?.message).toBe('channel 1/16 is also patched to fixture "pars"');
    const orphan = dmxSchema.safeParse({ outputs: [], fixtures: [raw({ universe: 3 })] });
    expect(orphan.error?.issues[0]?.message).toBe('universe 3 is carried by no dmx output');
  });
});
