/**
 * OSC in as the room uses it: the UDP listener with its allow list, the optional signature
 * check, and the dispatcher. Every command that changes the room is logged with its source
 * (taps and beats, which a desk may send on every beat, at debug level).
 */
import type { Config } from '../../config/index.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import { allowListOf, isLoopbackHost } from '../../drivers/net/allow-list.js';
import type { OscArg } from '../../drivers/osc/codec.js';
import { OscInDriver } from '../../drivers/osc/osc-in.js';
import type { Logger } from '../logger.js';
import { dispatch, type CommandDeps } from './commands.js';
import { SignedCommands } from './signed-command.js';

const QUIET = new Set(['/codance/clock/tap', '/codance/clock/beat']);

const show = (args: OscArg[]): unknown[] =>
  args.map((a) => (Array.isArray(a) ? '[…]' : a.type === 'b' ? '<blob>' : (a.value ?? a.type)));

export function commandListener(
  osc: Config['osc']['in'],
  health: HealthReporter,
  log: Logger,
  deps: CommandDeps,
): OscInDriver {
  const signed = osc.commandSecret ? new SignedCommands(osc.commandSecret, osc.maxCommandAgeS * 1000) : undefined;
  if (!isLoopbackHost(osc.host) && osc.allow.length === 0) {
    log.warn(
      { host: osc.host },
      'OSC in listens beyond loopback but osc.in.allow is empty: only the box itself can send commands',
    );
  }
  return new OscInDriver(
    {
      host: osc.host,
      port: osc.port,
      allow: allowListOf(osc.allow),
      onRefusedSource: (address) =>
        log.warn(
          { source: address },
          'OSC commands from an address not in osc.in.allow are dropped (logged once per source)',
        ),
    },
    health,
    (m, from) => {
      let message = m;
      if (signed) {
        const v = signed.verify(m, deps.now());
        if (!v.ok) return v.reason;
        message = v.message;
      }
      const refused = dispatch(message, deps);
      if (refused === undefined) {
        const line = {
          source: `${from.address}:${from.port}`,
          address: message.address,
          args: show(message.args),
          signed: signed !== undefined,
        };
        if (QUIET.has(message.address)) log.debug(line, 'osc command applied');
        else log.info(line, 'osc command applied');
      }
      return refused;
    },
  );
}
