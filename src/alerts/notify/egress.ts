import dns from 'node:dns';
import net from 'node:net';

/**
 * Where the gateway may send webhooks. Alert rules are written by workspace admins, so a
 * webhook URL is untrusted input: without a check, a rule could make the gateway POST to
 * its own ClickHouse, a cloud metadata endpoint or anything else on the private network
 * (server-side request forgery). By default only public unicast addresses are allowed;
 * `ALERT_WEBHOOK_ALLOW_PRIVATE=true` lifts that for receivers inside the network.
 */

/** Ranges that are not public unicast (RFC 6890 special-purpose registries, multicast, reserved). */
const NOT_PUBLIC = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(prefix, bits, 'ipv4');
}
// IPv6: only global unicast (2000::/3) can be public; within it, the special-purpose blocks
// and those that tunnel to IPv4 (whose embedded address could be anything) are refused.
const GLOBAL_UNICAST_V6 = new net.BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');
for (const [prefix, bits] of [
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID
  ['2002::', 16], // 6to4
] as const) {
  NOT_PUBLIC.addSubnet(prefix, bits, 'ipv6');
}

/** IPv4 written inside IPv6 (`::ffff:127.0.0.1`, `::ffff:7f00:1`): the IPv4 address, else null. */
function embeddedIpv4(ip: string): string | null {
  const m = /^::ffff:(?:0:)?(.+)$/i.exec(ip);
  if (!m) return null;
  if (net.isIPv4(m[1])) return m[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]);
  if (!hex) return null;
  const a = parseInt(hex[1], 16);
  const b = parseInt(hex[2], 16);
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
}

/** True for a public unicast address; false for private, loopback, link-local, reserved and malformed ones. */
export function isPublicAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 0) return false;
  if (family === 4) return !NOT_PUBLIC.check(ip, 'ipv4');
  const v4 = embeddedIpv4(ip);
  if (v4 !== null) return isPublicAddress(v4);
  return GLOBAL_UNICAST_V6.check(ip, 'ipv6') && !NOT_PUBLIC.check(ip, 'ipv6');
}

/** The URL's host when it is an IP literal (brackets removed), else null. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return net.isIP(host) ? host : null;
}

export class EgressRefused extends Error {
  readonly code = 'EGRESS_REFUSED';
}

/**
 * A `lookup` for http.request that refuses hosts resolving to any non-public address.
 * The check runs on the very addresses the socket connects to, so a name that resolves
 * to a public address when a rule is saved and to a private one later (DNS rebinding)
 * is still refused.
 */
export function publicOnlyLookup(
  hostname: string,
  options: dns.LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as dns.LookupAddress[];
    const blocked = list.find((a) => !isPublicAddress(a.address));
    if (blocked || list.length === 0) {
      // The address itself is not named: the message reaches workspace users (alert history).
      return callback(
        new EgressRefused(
          `${hostname} resolves to ${blocked ? 'a non-public address' : 'no address'}; webhooks go to public addresses only (ALERT_WEBHOOK_ALLOW_PRIVATE)`,
        ),
        '',
      );
    }
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}
