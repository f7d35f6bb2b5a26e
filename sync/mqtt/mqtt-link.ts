/**
 * The box's MQTT 5 link: retained presence (`online` on connect, `offline` as the last will
 * and on a clean stop), and signed remote commands answered with acknowledgements. The
 * session is persistent, so QoS 1 commands sent while the box was away arrive when it is back
 * (and are refused if they have grown stale). The broker being down never stops the box:
 * the client keeps reconnecting and the state is reported.
 */
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { z } from 'zod';
import { SeenCommands, verifySignature } from './command-auth.js';
import {
  ack as ackSchema,
  command as commandSchema,
  commandArgs,
  topics,
  type Ack,
  type CommandName,
  type Presence,
} from './contracts.js';

export interface MqttLinkOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  topicPrefix: string;
  box: string;
  clientId: string;
  version: string;
  commandSecret?: string | undefined;
  maxCommandAgeS: number;
  keepaliveS: number;
  reconnectMs: number;
}

export type CommandHandlers = { [K in CommandName]: (args: z.output<(typeof commandArgs)[K]>) => unknown };

export type LinkState = 'connected' | 'retrying' | 'error' | 'stopped';

export interface MqttLinkEvents {
  state(state: LinkState, detail: string): void;
  /** A command was run or refused (for the log: never the payload's secret parts, it has none). */
  command(ack: Ack): void;
}

export class CommandFailure extends Error {}

export class MqttLink {
  readonly name = 'mqtt';
  private client: MqttClient | undefined;
  private readonly topics: ReturnType<typeof topics>;
  private readonly seen: SeenCommands<Ack>;

  constructor(
    private readonly o: MqttLinkOptions,
    private readonly handlers: CommandHandlers,
    private readonly events: MqttLinkEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.topics = topics(o.topicPrefix, o.box);
    this.seen = new SeenCommands(o.maxCommandAgeS * 1000);
  }

  get statusTopic(): string {
    return this.topics.status;
  }

  start(_signal?: AbortSignal): void {
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: this.o.clientId,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
      keepalive: this.o.keepaliveS,
      reconnectPeriod: this.o.reconnectMs,
      connectTimeout: 10_000,
      will: {
        topic: this.topics.status,
        payload: Buffer.from(JSON.stringify(this.presence('offline'))),
        qos: 1,
        retain: true,
      },
      ...(this.o.username ? { username: this.o.username } : {}),
      ...(this.o.password ? { password: this.o.password } : {}),
    };
    const client = mqtt.connect(this.o.url, options);
    this.client = client;
    const where = this.o.url.replace(/\/\/[^@/]*@/, '//');
    client.on('connect', () => {
      this.events.state('connected', `${where} as ${this.o.clientId}`);
      client.publish(this.topics.status, JSON.stringify(this.presence('online')), { qos: 1, retain: true });
      client.subscribe(this.topics.commands, { qos: 1 }, (err) => {
        if (err) this.events.state('error', `cannot subscribe to ${this.topics.commands}: ${err.message}`);
      });
    });
    client.on('error', (err) =>
      this.events.state('error', `${where}: ${err.message}; reconnecting every ${this.o.reconnectMs} ms`),
    );
    client.on('offline', () =>
      this.events.state('retrying', `${where} unreachable; reconnecting every ${this.o.reconnectMs} ms`),
    );
    client.on('message', (topic, payload, packet) => {
      try {
        this.onCommand(topic, payload, packet);
      } catch (err) {
        // A handler's bug must not take the link (or the daemon) down.
        this.events.state('error', `command on ${topic} failed: ${(err as Error).message}`);
      }
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected) {
      await Promise.race([
        client
          .publishAsync(this.topics.status, JSON.stringify(this.presence('offline')), { qos: 1, retain: true })
          .catch(() => undefined),
        new Promise((r) => setTimeout(r, 1000)),
      ]);
    }
    await client.endAsync(true).catch(() => undefined);
    this.events.state('stopped', 'stopped');
  }

  private presence(state: Presence['state']): Presence {
    return { state, box: this.o.box, version: this.o.version, at: new Date(this.now()).toISOString() };
  }

  private onCommand(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const name = topic.slice(topic.lastIndexOf('/') + 1);
    /**
     * Answers and logs. Refusals before the signature is checked go only to the box's ack topic
     * (an unsigned command must not make the box publish where its sender chose); answers to
     * signed commands are remembered by id, so a redelivery gets the same answer.
     */
    const finish = (a: Omit<Ack, 'at'>, signed: boolean): void => {
      const full = ackSchema.parse({ ...a, at: new Date(this.now()).toISOString() });
      if (signed && a.id !== null) this.seen.remember(a.id, full, this.now());
      this.answer(full, packet, signed);
      this.events.command(full);
    };
    const refuse = (
      code: NonNullable<Ack['error']>['code'],
      message: string,
      id: string | null = null,
      signed = true,
    ): void => finish({ id, command: name, ok: false, error: { code, message } }, signed);

    const signature = packet.properties?.userProperties?.signature;
    if (!this.o.commandSecret)
      return refuse('unauthorized', 'this box takes no remote commands (mqtt.commandSecret is not set)', null, false);
    if (!verifySignature(this.o.commandSecret, payload, Array.isArray(signature) ? signature[0] : signature))
      return refuse(
        'unauthorized',
        'the signature (user property "signature", HMAC-SHA256 of the payload) is missing or wrong',
        null,
        false,
      );
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return refuse('invalid', 'the payload is not JSON');
    }
    const parsed = commandSchema.safeParse(json);
    if (!parsed.success)
      return refuse(
        'invalid',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; '),
      );
    const cmd = parsed.data;
    // QoS 1 may deliver twice: the same id gets the same answer, and runs once.
    const previous = this.seen.get(cmd.id, this.now());
    if (previous) return this.answer(previous, packet, true);
    if (cmd.command !== name)
      return refuse('invalid', `the payload's command "${cmd.command}" is not the topic's "${name}"`, cmd.id);
    const age = Math.abs(this.now() - Date.parse(cmd.issued_at)) / 1000;
    if (age > this.o.maxCommandAgeS)
      return refuse(
        'stale',
        `issued_at is ${Math.round(age)} s from the box's clock (mqtt.maxCommandAgeS = ${this.o.maxCommandAgeS})`,
        cmd.id,
      );
    if (!(name in commandArgs))
      return refuse(
        'unknown_command',
        `unknown command "${name}"; known: ${Object.keys(commandArgs).join(', ')}`,
        cmd.id,
      );
    const known = name as CommandName;
    const args = commandArgs[known].safeParse(cmd.args);
    if (!args.success)
      return refuse(
        'invalid',
        args.error.issues.map((i) => `args.${i.path.join('.')}: ${i.message}`).join('; '),
        cmd.id,
      );
    try {
      finish(
        { id: cmd.id, command: name, ok: true, result: (this.handlers[known] as (a: unknown) => unknown)(args.data) },
        true,
      );
    } catch (err) {
      refuse('failed', (err as Error).message, cmd.id);
    }
  }

  /** Publishes telemetry (schemas in contracts.ts); dropped while disconnected, as live telemetry should be. */
  telemetry(kind: 'crowd' | 'health' | 'sync', payload: unknown): void {
    const client = this.client;
    if (!client?.connected) return;
    client.publish(this.topics[kind], JSON.stringify(payload), {
      qos: kind === 'crowd' ? 0 : 1,
      retain: kind !== 'crowd',
    });
  }

  /** To the command's MQTT 5 response topic when it is signed and names one, else the box's ack topic; with its correlation data. */
  private answer(a: Ack, packet: IPublishPacket, signed: boolean): void {
    const topic = (signed ? packet.properties?.responseTopic : undefined) ?? this.topics.ack;
    const correlationData = packet.properties?.correlationData;
    this.client?.publish(topic, JSON.stringify(a), {
      qos: 1,
      ...(correlationData ? { properties: { correlationData } } : {}),
    });
  }
}
