/**
 * mDNS/DNS-SD advertisement (bonjour-service): `_oscjson._tcp` for the OSCQuery server and
 * `_osc._udp` for OSC in, so desks and tools find the box without anyone typing an address.
 * A network without multicast only loses discovery: errors are reported, never thrown.
 */
import { hostname } from 'node:os';
import { Bonjour } from 'bonjour-service';

export interface Advertisement {
  stop(): Promise<void>;
}

export function advertise(
  opts: { name: string; host: string; queryPort: number; oscPort: number | undefined },
  onError: (err: Error) => void,
): Advertisement {
  // On one address (not 0.0.0.0/::), announce on that interface only.
  const specific = opts.host !== '0.0.0.0' && opts.host !== '::';
  // bonjour-service hands these options to multicast-dns, whose `interface` its types omit.
  const mdnsOptions = (specific ? { interface: opts.host } : {}) as ConstructorParameters<typeof Bonjour>[0];
  const bonjour = new Bonjour(mdnsOptions, (err: unknown) =>
    onError(err instanceof Error ? err : new Error(String(err))),
  );
  const service = (type: string, protocol: 'tcp' | 'udp', port: number) => {
    // The SRV target must be a .local name: a bare host name (what bonjour-service uses by
    // default) is listed by browsers but cannot be resolved (Avahi answers NXDOMAIN).
    const s = bonjour.publish({ name: opts.name, type, protocol, port, host: mdnsHost(), txt: { txtvers: '1' } });
    s.on('error', (err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
  };
  service('oscjson', 'tcp', opts.queryPort);
  if (opts.oscPort !== undefined) service('osc', 'udp', opts.oscPort);
  return {
    stop: () =>
      new Promise<void>((res) => {
        // Goodbye packets first, so browsers drop the box at once rather than after the TTL.
        const timer = setTimeout(res, 1000);
        bonjour.unpublishAll(() => {
          bonjour.destroy(() => {
            clearTimeout(timer);
            res();
          });
        });
      }),
  };
}

/** This machine's mDNS host name: `HOST.local`. */
export function mdnsHost(name = hostname()): string {
  const short = name.split('.')[0] || 'codance';
  return `${short}.local`;
}
