/**
 * DMX: the outputs that carry universes over the network (sACN / E1.31 and Art-Net) and the
 * fixture patch the mapping rules drive. A fixture is a run of identical lights, one per dancer
 * slot: "dancer N drives par N" is a rule whose target names the fixture.
 */
import { z } from 'zod';
import { hostname, slug, uniqueNames } from './common.js';
import { slotRanges, slotSet } from './slots.js';

/** Channel layouts, in the order the fixture reads its channels. */
export const FIXTURE_PROFILES = {
  dimmer: ['dimmer'],
  rgb: ['red', 'green', 'blue'],
  rgbw: ['red', 'green', 'blue', 'white'],
  'rgb-dimmer': ['red', 'green', 'blue', 'dimmer'],
  'dimmer-rgb': ['dimmer', 'red', 'green', 'blue'],
  'dimmer-rgbw': ['dimmer', 'red', 'green', 'blue', 'white'],
} as const satisfies Record<string, readonly string[]>;
export type FixtureProfile = keyof typeof FIXTURE_PROFILES;
export type FixtureChannel = (typeof FIXTURE_PROFILES)[FixtureProfile][number];
/** What a rule sets on a fixture: one channel, or `colour` (a value 0..1 along the fixture's palette). */
export const FIXTURE_ATTRIBUTES = ['dimmer', 'colour', 'red', 'green', 'blue', 'white'] as const;
export type FixtureAttribute = (typeof FIXTURE_ATTRIBUTES)[number];

const universe = z.number().int().min(1).max(63_999);
const rgb = z.tuple([
  z.number().int().min(0).max(255),
  z.number().int().min(0).max(255),
  z.number().int().min(0).max(255),
]);

export const dmxOutputSchema = z.strictObject({
  name: slug.describe("The output's name (its health component is dmx:<name>)."),
  protocol: z.enum(['sacn', 'artnet']).describe('sacn (ANSI E1.31, UDP 5568) or artnet (Art-Net 4 ArtDmx, UDP 6454).'),
  host: hostname
    .optional()
    .describe(
      "The node's address (unicast). Unset: sACN multicasts each universe to 239.255.hi.lo; Art-Net broadcasts to 255.255.255.255.",
    ),
  universes: z
    .array(universe)
    .min(1)
    .max(64)
    .describe('Universes this output carries. Art-Net sends universe N as port-address N (net 0, sub-net N>>4).'),
  priority: z.number().int().min(0).max(200).default(100).describe('sACN source priority (receivers merge by it).'),
  refreshHz: z
    .number()
    .min(1)
    .max(44)
    .default(44)
    .describe(
      'Every universe is sent at this steady rate with its latest frame; beat-timed changes also go out at once.',
    ),
  sourceName: z.string().min(1).max(63).default('Codance').describe('The sACN source name receivers show.'),
});

export const fixtureSchema = z
  .strictObject({
    name: slug.describe('Rules name the fixture by this.'),
    universe: universe.describe('The universe its lights are on.'),
    address: z.number().int().min(1).max(512).describe("The first light's start address (1..512)."),
    profile: z
      .enum(Object.keys(FIXTURE_PROFILES) as [FixtureProfile, ...FixtureProfile[]])
      .describe('Channel layout of each light: dimmer, rgb, rgbw, rgb-dimmer, dimmer-rgb, dimmer-rgbw.'),
    stride: z
      .number()
      .int()
      .min(1)
      .max(512)
      .optional()
      .describe("Channels from one light's start to the next; unset = the profile's width."),
    slots: slotRanges.describe('The dancer slots with a light, in order: slot N of "1-24" is the Nth light.'),
    palette: z
      .array(rgb)
      .min(2)
      .max(16)
      .default([
        [0, 40, 255],
        [160, 0, 255],
        [255, 0, 60],
        [255, 140, 0],
      ])
      .describe('Colours a `colour` value 0..1 runs along (calm blue to hot amber by default), RGB 0..255 each.'),
    idle: z
      .strictObject({
        dimmer: z.number().min(0).max(1).default(0.15).describe('Dimmer 0..1 of a light whose slot has no dancer.'),
        colour: rgb.default([0, 0, 80]).describe('Colour of a light whose slot has no dancer.'),
      })
      .prefault({})
      .describe('The look of a light whose slot has no dancer (or whose dancer has gone quiet).'),
    holdMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(5000)
      .describe('A light that received nothing for this long fades to the idle look.'),
    fadeMs: z.number().int().min(0).max(60_000).default(2000).describe('How long that fade takes.'),
  })
  .superRefine((f, ctx) => {
    const width = FIXTURE_PROFILES[f.profile].length;
    const stride = f.stride ?? width;
    if (stride < width)
      ctx.addIssue({ code: 'custom', path: ['stride'], message: `must be at least the ${f.profile} width (${width})` });
    const count = slotSet(f.slots).list()?.length ?? 0;
    const last = f.address + (count - 1) * stride + width - 1;
    if (last > 512)
      ctx.addIssue({
        code: 'custom',
        path: ['slots'],
        message: `${count} lights from address ${f.address} with stride ${stride} end at channel ${last}, past 512`,
      });
  });

export const dmxSchema = z
  .strictObject({
    outputs: z
      .array(dmxOutputSchema)
      .max(16)
      .default([])
      .describe('Where universes go over the network; none = no native DMX (OLA over OSC still works).')
      .superRefine(uniqueNames('DMX output')),
    fixtures: z
      .array(fixtureSchema)
      .max(64)
      .default([])
      .describe('The fixture patch: runs of lights, one per dancer slot.')
      .superRefine(uniqueNames('fixture')),
  })
  .prefault({})
  .superRefine((d, ctx) => {
    const carried = new Set(d.outputs.flatMap((o) => o.universes));
    d.fixtures.forEach((f, i) => {
      if (!carried.has(f.universe))
        ctx.addIssue({
          code: 'custom',
          path: ['fixtures', i, 'universe'],
          message: `universe ${f.universe} is carried by no dmx output`,
        });
    });
    // Two fixtures writing the same channel would fight every frame.
    const owner = new Map<string, string>();
    d.fixtures.forEach((f, i) => {
      const width = FIXTURE_PROFILES[f.profile].length;
      const stride = f.stride ?? width;
      const count = slotSet(f.slots).list()?.length ?? 0;
      for (let n = 0; n < count; n++)
        for (let c = 0; c < width; c++) {
          const key = `${f.universe}/${f.address + n * stride + c}`;
          const other = owner.get(key);
          if (other && other !== f.name) {
            ctx.addIssue({
              code: 'custom',
              path: ['fixtures', i, 'address'],
              message: `channel ${key} is also patched to fixture "${other}"`,
            });
            return;
          }
          owner.set(key, f.name);
        }
    });
  });

export type DmxConfig = z.infer<typeof dmxSchema>;
export type DmxOutputConfig = z.infer<typeof dmxOutputSchema>;
export type FixtureConfig = z.infer<typeof fixtureSchema>;
