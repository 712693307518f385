import fc from 'fast-check';
import { cidrContains, parseCidr, parseIp, parseIPv6 } from './ip-cidr';

function inNet(cidr: string, ip: string): boolean {
  const net = parseCidr(cidr);
  const addr = parseIp(ip);
  if (!net || !addr) throw new Error(`bad input ${cidr} ${ip}`);
  return cidrContains(net, addr);
}

describe('IP parsing', () => {
  test.each([
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['2001:db8::ff00:42:8329', [0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329]],
    ['fe80::1%eth0', [0xfe80, 0, 0, 0, 0, 0, 0, 1]],
    ['::ffff:192.0.2.128', [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0280]],
    ['1:2:3:4:5:6:7:8', [1, 2, 3, 4, 5, 6, 7, 8]],
    ['1:2:3:4:5:6:1.2.3.4', [1, 2, 3, 4, 5, 6, 0x0102, 0x0304]],
  ])('IPv6 %s', (text, groups) => {
    expect(parseIPv6(text)).toEqual(groups);
  });

  test.each(['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1:2:3:4:5:6:7', ':1:2:3:4:5:6:7', '::1.2.3.256'])('rejects IPv6 %s', (text) => {
    expect(parseIPv6(text)).toBeNull();
  });

  test.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'a.b.c.d', '', ' '])('rejects IPv4 %p', (text) => {
    expect(parseIp(text)).toBeNull();
  });

  test.each(['10.0.0.0/33', '::/129', '10.0.0.0/x', 'nope/8', '10.0.0.0/'])('rejects CIDR %s', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('CIDR membership', () => {
  test.each([
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['192.168.1.7/32', '192.168.1.7', true],
    ['192.168.1.7/32', '192.168.1.8', false],
    ['192.168.1.7', '192.168.1.7', true],
    ['10.1.2.3/8', '10.9.9.9', true], // host bits in the network are ignored
    ['172.16.0.0/12', '172.31.0.1', true],
    ['172.16.0.0/12', '172.32.0.1', false],
    ['::/0', '2001:db8::1', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['fe80::/10', 'febf::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['2001:db8::1/128', '2001:db8::1', true],
    ['2001:db8::/33', '2001:db8:8000::', false],
    ['10.0.0.0/8', '::ffff:10.1.1.1', true],
    ['::ffff:0:0/96', '10.1.1.1', false], // an IPv6 rule does not see plain IPv4
    ['10.0.0.0/8', '::a01:101', false], // not IPv4-mapped
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    expect(inNet(cidr, ip)).toBe(expected);
  });

  test('IPv4 membership equals the arithmetic definition (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (a, b, prefix) => {
        const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
        const shift = 32 - prefix;
        const expected = prefix === 0 || Math.floor(a / 2 ** shift) === Math.floor(b / 2 ** shift);
        return inNet(`${dotted(a)}/${prefix}`, dotted(b)) === expected;
      }),
    );
  });
});
