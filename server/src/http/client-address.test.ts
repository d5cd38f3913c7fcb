import { describe, expect, it } from 'vitest';
import { normalizeAddress, parseAddressRange, resolveClientAddress, throttleAddressOf, trustedProxySet } from './client-address';

const resolve = (peer: string, trusted: string[], forwardedFor = '', realIp = '') =>
  resolveClientAddress(peer, { forwardedFor, realIp }, trustedProxySet(trusted));

describe('parseAddressRange', () => {
  it('reads addresses and CIDR ranges of both families', () => {
    expect(parseAddressRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseAddressRange('127.0.0.1')).toEqual({ address: '127.0.0.1', prefix: 32, family: 'ipv4' });
    expect(parseAddressRange('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseAddressRange('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseAddressRange('::ffff:10.1.2.3')).toEqual({ address: '10.1.2.3', prefix: 32, family: 'ipv4' });
  });

  it('refuses what is not one', () => {
    for (const bad of ['', 'localhost', '10.0.0.0/33', '::/129', '1.2.3.4/', '1.2.3.4/a', '1.2.3.4/8/8', '1.2.3', '1.2.3.4 /8']) {
      expect(parseAddressRange(bad), bad).toBeUndefined();
    }
  });
});

describe('resolveClientAddress', () => {
  it('uses the socket address when no proxy is trusted, whatever the headers say', () => {
    expect(resolve('127.0.0.1', [], '203.0.113.9', '198.51.100.1')).toBe('127.0.0.1');
    expect(resolve('::ffff:192.0.2.5', [], '203.0.113.9')).toBe('192.0.2.5');
  });

  it('ignores the headers of a peer outside the trusted ranges', () => {
    expect(resolve('192.0.2.5', ['10.0.0.0/8'], '203.0.113.9')).toBe('192.0.2.5');
    expect(resolve('2001:db8::5', ['fd00::/8'], '203.0.113.9')).toBe('2001:db8::5');
  });

  it('takes the right-most address that is not a trusted proxy', () => {
    // The client forged "1.1.1.1"; the edge proxy appended the real client, the inner proxy appended the edge.
    expect(resolve('10.0.0.2', ['10.0.0.0/8'], '1.1.1.1, 203.0.113.9, 10.0.0.7')).toBe('203.0.113.9');
    expect(resolve('::ffff:10.0.0.2', ['10.0.0.0/8'], '1.1.1.1,203.0.113.9')).toBe('203.0.113.9');
    expect(resolve('fd00::2', ['fd00::/8'], '1.1.1.1, 2001:db8::9, fd00::7')).toBe('2001:db8::9');
    expect(resolve('::1', ['::1', '10.0.0.0/8'], '2001:db8::9, 10.0.0.7')).toBe('2001:db8::9');
  });

  it('falls back to X-Real-IP from a trusted peer, and to the peer itself without headers', () => {
    expect(resolve('127.0.0.1', ['127.0.0.1'], '', '203.0.113.9')).toBe('203.0.113.9');
    expect(resolve('127.0.0.1', ['127.0.0.1'], '198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
    expect(resolve('127.0.0.1', ['127.0.0.1'])).toBe('127.0.0.1');
  });

  it('stops at a malformed entry with the last address a trusted hop vouched for', () => {
    expect(resolve('10.0.0.2', ['10.0.0.0/8'], '203.0.113.9, unknown, 10.0.0.7')).toBe('10.0.0.7');
    expect(resolve('10.0.0.2', ['10.0.0.0/8'], 'garbage')).toBe('10.0.0.2');
  });

  it('gives the left-most address when every hop is trusted', () => {
    expect(resolve('10.0.0.2', ['10.0.0.0/8'], '10.0.0.9, 10.0.0.7')).toBe('10.0.0.9');
  });

  it('reads at most 20 hops of a long forged chain', () => {
    const chain = Array.from({ length: 5000 }, () => '10.0.0.1').join(',');
    expect(resolve('10.0.0.2', ['10.0.0.0/8'], `203.0.113.9,${chain}`)).toBe('10.0.0.1');
  });
});

describe('normalizeAddress', () => {
  it('unwraps IPv4-mapped IPv6 only', () => {
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('::ffff:7f00:1')).toBe('::ffff:7f00:1');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8::1');
  });
});

describe('throttleAddressOf', () => {
  it('keeps an IPv4 address and reduces an IPv6 address to its /64', () => {
    expect(throttleAddressOf('203.0.113.9')).toBe('203.0.113.9');
    expect(throttleAddressOf('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(throttleAddressOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(throttleAddressOf('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(throttleAddressOf('2001:DB8:0:0:1::5')).toBe('2001:db8:0:0::/64');
    expect(throttleAddressOf('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(throttleAddressOf('::1')).toBe('0:0:0:0::/64');
    expect(throttleAddressOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(throttleAddressOf('64:ff9b::203.0.113.9')).toBe('64:ff9b:0:0::/64');
    expect(throttleAddressOf('2001:db8:1:2:3:4:203.0.113.9')).toBe('2001:db8:1:2::/64');
  });
});
