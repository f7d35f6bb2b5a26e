/**
 * Who may talk to a listener on the venue network: loopback always (the box itself and a
 * technician's SSH session), plus the configured addresses and CIDR networks. Matching is
 * node's `BlockList`; an IPv4 peer seen on a dual-stack socket (`::ffff:10.0.0.5`) is
 * matched as the IPv4 address it is.
 */
import { BlockList, isIP } from 'node:net';

export type AllowList = (address: string) => boolean;

export function allowListOf(entries: readonly string[]): AllowList {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  for (const entry of entries) {
    const [addr = '', bits] = entry.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (address) => {
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** True for 127.0.0.0/8, ::1 and `localhost`: a listener there is not on the venue network. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
