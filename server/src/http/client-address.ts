import { BlockList, isIP } from 'node:net';
import type { Middleware } from 'koa';

/** At most this many X-Forwarded-For entries are read (right to left): a long forged chain costs nothing. */
const MAX_FORWARDED_HOPS = 20;

export interface AddressRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `::ffff:10.1.2.3` (an IPv4 peer on a dual-stack socket) is the IPv4 address 10.1.2.3. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail and a zone id are allowed). */
function ipv6Groups(address: string): number[] | undefined {
  const bare = address.split('%')[0] ?? '';
  if (isIP(bare) !== 6) return undefined;
  const parts = (text: string) => {
    if (text === '') return [];
    const groups: number[] = [];
    for (const part of text.split(':')) {
      if (part.includes('.')) {
        const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
        groups.push(a * 256 + b, c * 256 + d);
      } else groups.push(parseInt(part, 16));
    }
    return groups;
  };
  const [head = '', tail] = bare.split('::');
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  return [...left, ...Array.from({ length: 8 - left.length - right.length }, () => 0), ...right];
}

/**
 * The unit a client is throttled by: an IPv4 address itself, an IPv6 address's /64 (one subscriber's network; one
 * host can pick any address in it).
 * @example throttleAddressOf('2001:db8:1:2:aaaa::5') // '2001:db8:1:2::/64'
 */
export function throttleAddressOf(address: string): string {
  const normalized = normalizeAddress(address);
  const groups = ipv6Groups(normalized);
  if (!groups) return normalized;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/**
 * An IP address or a CIDR range (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`); undefined when the text is neither.
 * @example parseAddressRange('10.0.0.0/8') // { address: '10.0.0.0', prefix: 8, family: 'ipv4' }
 */
export function parseAddressRange(text: string): AddressRange | undefined {
  const [rawAddress = '', rawPrefix, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const address = normalizeAddress(rawAddress);
  const version = isIP(address);
  if (version === 0) return undefined;
  const bits = version === 4 ? 32 : 128;
  if (rawPrefix !== undefined && !/^\d{1,3}$/.test(rawPrefix)) return undefined;
  const prefix = rawPrefix === undefined ? bits : Number(rawPrefix);
  if (prefix > bits) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** The set of proxies whose forwarding headers are believed. */
export function trustedProxySet(ranges: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const text of ranges) {
    const range = parseAddressRange(text);
    if (!range) throw new Error(`not an IP address or CIDR range: ${text}`);
    list.addSubnet(range.address, range.prefix, range.family);
  }
  return (address) => {
    const normalized = normalizeAddress(address);
    const version = isIP(normalized);
    return version !== 0 && list.check(normalized, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address. The socket peer, unless the peer is a trusted proxy: then X-Forwarded-For is walked from the
 * right (each entry was appended by the hop after it) past trusted proxies, and the first address that is not one is
 * the client. Entries left of it were written by the client and are ignored. X-Real-IP stands in when a trusted peer
 * sends no X-Forwarded-For. A malformed entry ends the walk at the last address a trusted hop vouched for.
 */
export function resolveClientAddress(
  peer: string,
  headers: { forwardedFor: string; realIp: string },
  isTrusted: (address: string) => boolean,
): string {
  const socketAddress = normalizeAddress(peer);
  if (!isTrusted(socketAddress)) return socketAddress;
  const chain = headers.forwardedFor
    ? headers.forwardedFor.split(',').slice(-MAX_FORWARDED_HOPS)
    : headers.realIp
      ? [headers.realIp]
      : [];
  let client = socketAddress;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = normalizeAddress((chain[i] ?? '').trim());
    if (isIP(hop) === 0) break;
    client = hop;
    if (!isTrusted(hop)) break;
  }
  return client;
}

/** Sets `ctx.request.ip` (what `ctx.ip` reads) from the socket and, only behind a trusted proxy, its headers. */
export function clientAddress(trustedProxies: readonly string[]): Middleware {
  const isTrusted = trustedProxySet(trustedProxies);
  return async (ctx, next) => {
    ctx.request.ip = resolveClientAddress(
      ctx.req.socket.remoteAddress ?? '',
      { forwardedFor: ctx.get('x-forwarded-for'), realIp: ctx.get('x-real-ip') },
      isTrusted,
    );
    await next();
  };
}
