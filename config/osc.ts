/** The OSC section of the configuration: the targets the box sends to, OSC in and OSCQuery. */
import { z } from 'zod';
import { cidr, hostname, port, slug } from './common.js';

export const oscTargetSchema = z.strictObject({
  name: slug,
  host: hostname,
  port,
  /** udp, or tcp with SLIP framing (OSC 1.1, as ETC Eos prefers). */
  transport: z.enum(['udp', 'tcp']).default('udp'),
  /** Continuous values (levels, heart rates) go out at this steady rate, as bundles. */
  rateHz: z.number().min(1).max(200).default(30),
  /** Per-target cap on messages per second (triggers and continuous together); the excess is dropped and counted. */
  maxMessagesPerS: z.number().int().min(1).max(100_000).default(2000),
  /** Send beat-synchronous events early, in bundles time-tagged for the beat (for receivers that honour time tags); otherwise the box holds them and sends each when due. */
  timeTags: z.boolean().default(false),
  /** Largest datagram (UDP) or frame (TCP) built; bundles are split to fit. Ethernet-safe default. */
  maxPacketBytes: z.number().int().min(256).max(65_507).default(1400),
});

export const oscSchema = z
  .strictObject({
    targets: z
      .array(oscTargetSchema)
      .max(32)
      .prefault([{ name: 'desk', host: '127.0.0.1', port: 9000 }])
      .superRefine((targets, ctx) => {
        const seen = new Set<string>();
        targets.forEach((t, i) => {
          if (seen.has(t.name))
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate target name "${t.name}"` });
          seen.add(t.name);
        });
      }),
    in: z
      .strictObject({
        /** UDP port for clock, preset, haptic and mapping commands; 0 = off. */
        port: z.number().int().min(0).max(65535).default(8000),
        /** Loopback unless a desk on the venue network must reach it: then the box's LAN address (or 0.0.0.0) and `allow`. */
        host: hostname.default('127.0.0.1'),
        /** Addresses or CIDRs (IPv4 or IPv6) commands are taken from; loopback always is. Also who may read OSCQuery. */
        allow: z.array(cidr).max(256).default([]),
        /** When set, only commands signed with it are taken (HMAC-SHA256, daemon/room/README.md "Signed OSC commands"). Secret. */
        commandSecret: z.string().min(16).optional(),
        /** A signed command older than this (or from further in the future) is refused. */
        maxCommandAgeS: z.number().int().min(1).max(3600).default(30),
      })
      .prefault({}),
    query: z
      .strictObject({
        /** HTTP port of the OSCQuery server (its JSON must be at the root); 0 = off. */
        port: z.number().int().min(0).max(65535).default(8001),
        /** Loopback unless desks must browse it; readers are limited to loopback and `osc.in.allow`. */
        host: hostname.default('127.0.0.1'),
        /** Advertise _oscjson._tcp and _osc._udp over mDNS; only done when `host` is not loopback. */
        mdns: z.boolean().default(true),
      })
      .prefault({}),
  })
  .prefault({});
