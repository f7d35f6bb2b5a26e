/**
 * OSCQuery over HTTP (the address space and what was last sent, for desks that browse) and
 * its mDNS advertisement. A port that cannot be bound is a health error, never a failed start.
 */
import type { Config } from '../../config/index.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import { allowListOf, isLoopbackHost } from '../../drivers/net/allow-list.js';
import { listen, type RunningServer } from '../http/server.js';
import type { Teardowns } from '../lifecycle.js';
import { advertise } from './mdns.js';
import { oscQueryApp, type OscQuerySource } from './oscquery.js';
import { attachListen, type ValueFeed } from './oscquery-listen.js';

export async function startOscQuery(
  config: Pick<Config, 'box' | 'osc'>,
  source: OscQuerySource,
  values: ValueFeed,
  health: HealthReporter,
  teardowns: Teardowns,
): Promise<RunningServer | undefined> {
  const q = config.osc.query;
  if (q.port <= 0) return undefined;
  let query: RunningServer;
  const allow = allowListOf(config.osc.in.allow);
  try {
    query = await listen(oscQueryApp(source, allow), q.host, q.port);
  } catch (err) {
    health.report('osc:query', {
      type: 'subsystem',
      state: 'error',
      detail: (err as Error).message.replace(/^http:/, 'oscquery:'),
    });
    return undefined;
  }
  teardowns.add('osc:query', () => query.close());
  const ws = attachListen(query.server, values, allow);
  teardowns.add('osc:query:listen', () => ws.close());
  health.report('osc:query', { type: 'subsystem', state: 'connected', detail: `http ${q.host}:${query.port}` });
  // Advertising a loopback-only server would tell the venue network about the box for nothing.
  if (q.mdns && !isLoopbackHost(q.host)) {
    const oscPort = source.oscPort();
    const mdns = advertise({ name: config.box.name, host: q.host, queryPort: query.port, oscPort }, (err) =>
      health.report('osc:mdns', { type: 'subsystem', state: 'error', detail: err.message }),
    );
    teardowns.add('osc:mdns', () => mdns.stop());
    health.report('osc:mdns', {
      type: 'subsystem',
      state: 'connected',
      detail: `_oscjson._tcp ${query.port}${oscPort ? `, _osc._udp ${oscPort}` : ''}`,
    });
  }
  return query;
}
