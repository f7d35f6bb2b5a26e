/** The OSC section of the configuration: the targets the box sends to, OSC in and OSCQuery. */
import { z } from 'zod';
import { cidr, hostname, port, slug, uniqueNames } from './common.js';

export const oscTargetSchema = z.strictObject({
  name: slug.describe("The target's name (unique; its health component is osc:<name>)."),
  host: hostname.describe("The desk's address."),
  port: port.describe('The UDP (or TCP) port the desk listens on.'),
  transport: z
    .enum(['udp', 'tcp'])
    .default('udp')
    .describe('udp, or tcp with SLIP framing (OSC 1.1, as ETC Eos prefers).'),
  rateHz: z
    .number()
    .min(1)
    .max(200)
    .default(30)
    .describe('Continuous values (levels, heart rates) go out at this steady rate, as bundles.'),
  maxMessagesPerS: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(2000)
    .describe(
      'Per-target cap on messages per second (triggers and continuous together); the excess is dropped and counted.',
    ),
  timeTags: z
    .boolean()
    .default(false)
    .describe(
      'Send beat-synchronous events early, in bundles time-tagged for the beat (for receivers that honour time tags); otherwise the box holds them and sends each when due.',
    ),
  rules: z
    .array(z.string().regex(/^[a-z0-9_*-]{1,63}$/i, 'must be a rule id, or a pattern with * such as "crowd-*"'))
    .max(500)
    .default(['*'])
    .describe(
      'The rules this target takes when a rule names no targets: rule ids or patterns ("crowd-*", "*"); [] = only rules that name it.',
    ),
  prefix: z
    .string()
    .regex(/^(\/[^\s#*,?[\]{}/]+)*$/, 'must be empty or "/part/part" with no spaces or # * , ? [ ] { }')
    .max(100)
    .default('')
    .describe('Put before every address sent to this target, e.g. "/venue1".'),
  floatRange: z
    .tuple([z.number(), z.number()])
    .refine(([a, b]) => a !== b, { message: 'the two ends must differ' })
    .default([0, 1])
    .describe(
      'Float values are mapped from 0..1 onto this range for this target (e.g. [0, 127]); ints and triggers are unchanged.',
    ),
  hold: z
    .boolean()
    .default(true)
    .describe(
      'Resend every continuous value at `rateHz`, holding the last one between samples (true), or only what changed plus a refresh each second (false).',
    ),
  maxPacketBytes: z
    .number()
    .int()
    .min(256)
    .max(65_507)
    .default(1400)
    .describe('Largest datagram (UDP) or frame (TCP) built; bundles are split to fit. Ethernet-safe default.'),
});

export const oscSchema = z
  .strictObject({
    targets: z
      .array(oscTargetSchema)
      .max(32)
      .prefault([{ name: 'desk', host: '127.0.0.1', port: 9000 }])
      .describe('Each desk that receives OSC; names unique.')
      .superRefine(uniqueNames('target')),
    in: z
      .strictObject({
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .default(8000)
          .describe('UDP port for clock, preset, haptic and mapping commands; 0 = off.'),
        host: hostname
          .default('127.0.0.1')
          .describe(
            "Loopback unless a desk on the venue network must reach it: then the box's LAN address (or 0.0.0.0) and `allow`.",
          ),
        allow: z
          .array(cidr)
          .max(256)
          .default([])
          .describe(
            'Addresses or CIDRs (IPv4 or IPv6) commands are taken from; loopback always is. Also who may read OSCQuery.',
          ),
        commandSecret: z
          .string()
          .min(16)
          .optional()
          .describe(
            'When set, only commands signed with it are taken (HMAC-SHA256, daemon/room/README.md "Signed OSC commands"). Secret.',
          ),
        maxCommandAgeS: z
          .number()
          .int()
          .min(1)
          .max(3600)
          .default(30)
          .describe('A signed command older than this (or from further in the future) is refused.'),
      })
      .prefault({}),
    query: z
      .strictObject({
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .default(8001)
          .describe('HTTP port of the OSCQuery server (its JSON must be at the root); 0 = off.'),
        host: hostname
          .default('127.0.0.1')
          .describe('Loopback unless desks must browse it; readers are limited to loopback and `osc.in.allow`.'),
        mdns: z
          .boolean()
          .default(true)
          .describe('Advertise _oscjson._tcp and _osc._udp over mDNS; only done when `host` is not loopback.'),
      })
      .prefault({}),
  })
  .prefault({});
