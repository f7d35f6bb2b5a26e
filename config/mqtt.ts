/** The MQTT link's configuration (sync/mqtt/README.md). */
import { z } from 'zod';

export const mqttSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
      .optional()
      .describe('Broker URL (mqtt://, mqtts://, ws://, wss://). Unset = no MQTT.'),
    username: z.string().min(1).max(200).optional().describe('Broker user name.'),
    password: z.string().min(1).max(500).optional().describe('Secret: never printed or logged.'),
    topicPrefix: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/,
        'must be topic levels of letters, digits, "_" or "-" (no wildcards)',
      )
      .default('codance')
      .describe('Topics are `<topicPrefix>/<box.name>/...` (sync/mqtt/README.md).'),
    commandSecret: z
      .string()
      .min(32, 'must be at least 32 characters')
      .optional()
      .describe(
        'Signs remote commands (HMAC-SHA256 of the payload, in the MQTT 5 user property `signature`). Secret. Unset = every command is refused.',
      ),
    maxCommandAgeS: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(120)
      .describe("A command issued further than this from the box's clock is refused (replay protection)."),
    keepaliveS: z.number().int().min(5).max(600).default(30).describe('MQTT keepalive.'),
    reconnectMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(2000)
      .describe('Wait before reconnecting to a broker that went away.'),
  })
  .prefault({});
