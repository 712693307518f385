import fc from 'fast-check';
import { buildPrefixTable, cidrContains, ipKey, parseCidr, parseIp } from './ip-address';

// Reference implementation working on bit strings instead of integers.
function bitsV4(octets: number[]): string {
  return octets.map((o) => o.toString(2).padStart(8, '0')).join('');
}
function bitsV6(groups: number[]): string {
  return groups.map((g) => g.toString(2).padStart(16, '0')).join('');
}

describe('parseIp', () => {
  test.each([
    ['10.0.0.1', 4, '10.0.0.1'],
    ['255.255.255.255', 4, '255.255.255.255'],
    ['0.0.0.0', 4, '0.0.0.0'],
    [' 192.168.1.1 ', 4, '192.168.1.1'],
    ['2001:db8::1', 6, '2001:db8:0:0:0:0:0:1'],
    ['::', 6, '0:0:0:0:0:0:0:0'],
    ['::1', 6, '0:0:0:0:0:0:0:1'],
    ['fe80::1%eth0', 6, 'fe80:0:0:0:0:0:0:1'],
    ['2001:DB8:0:0:0:0:0:FFFF', 6, '2001:db8:0:0:0:0:0:ffff'],
    ['64:ff9b::192.0.2.33', 6, '64:ff9b:0:0:0:0:c000:221'],
    ['::ffff:10.30.1.11', 4, '10.30.1.11'],
    ['::ffff:a1e:10b', 4, '10.30.1.11'],
  ])('%s', (text, family, key) => {
    const addr = parseIp(text);
    expect(addr?.family).toBe(family);
    expect(ipKey(addr!)).toBe(key);
  });

  test.each([
    '', '10.0.0', '10.0.0.256', '10.0.0.01', '1.2.3.4.5', 'a.b.c.d', '2001:db8:::1', '1::2::3',
    '1:2:3:4:5:6:7:8:9', '12345::', 'gggg::', ':1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', 'localhost',
    '1:2:3:4:5:6:7', ':1:2:3:4:5:6:7', '::1.2.3.256', ' ', '01.2.3.4',
  ])('rejects %p', (text) => {
    expect(parseIp(text)).toBeNull();
  });

  test('non-string input is refused, not thrown', () => {
    expect(parseIp(undefined as unknown as string)).toBeNull();
  });
});

describe('parseCidr', () => {
  test('clears host bits', () => {
    const r = parseCidr('10.30.1.77/24');
    expect(r.ok && ipKey({ family: 4, value: r.block.network as number })).toBe('10.30.1.0');
  });
  test('a bare address is a host route', () => {
    const r = parseCidr('2001:db8::5');
    expect(r.ok && r.block.prefix).toBe(128);
  });
  test('IPv4-mapped prefixes become IPv4 prefixes', () => {
    const r = parseCidr('::ffff:10.0.0.0/104');
    expect(r.ok && r.block.family).toBe(4);
    expect(r.ok && r.block.prefix).toBe(8);
  });
  test.each(['10.0.0.0/33', '2001:db8::/129', '::/129', '10.0.0.0/-1', '10.0.0.0/x', '10.0.0.0/8/9', 'nope/8', '', '10.0.0.0/', '::ffff:10.0.0.0/64'])(
    'rejects %p with a reason',
    (text) => {
      const r = parseCidr(text);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.length).toBeGreaterThan(5);
    },
  );
});

describe('cidrContains (the Sigma cidr modifier and OT zones alike)', () => {
  const inNet = (cidr: string, ip: string): boolean => {
    const net = parseCidr(cidr);
    const addr = parseIp(ip);
    if (!net.ok || !addr) throw new Error(`bad input ${cidr} ${ip}`);
    return cidrContains(net.block, addr);
  };
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
    ['::/0', '10.1.1.1', false], // an IPv6 network does not hold IPv4 addresses
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['fe80::/10', 'febf::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['fe80::/10', 'fe80::1%eth0', true], // the zone is not part of the address
    ['2001:db8::1/128', '2001:db8::1', true],
    ['2001:db8::/33', '2001:db8:8000::', false],
    ['10.0.0.0/8', '::ffff:10.1.1.1', true], // IPv4-mapped: the IPv4 address it carries
    ['::ffff:10.0.0.0/104', '10.1.1.1', true], // IPv4-mapped network: the IPv4 network it carries
    ['::ffff:0:0/96', '10.1.1.1', true], // every IPv4 address
    ['::ffff:0:0/96', '2001:db8::1', false],
    ['10.0.0.0/8', '::a01:101', false], // not IPv4-mapped (IPv4-compatible, deprecated)
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    expect(inNet(cidr, ip)).toBe(expected);
  });
});

describe('CIDR containment agrees with a bit-string reference', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const group = fc.integer({ min: 0, max: 0xffff });

  test('IPv4', () => {
    fc.assert(
      fc.property(fc.array(octet, { minLength: 4, maxLength: 4 }), fc.array(octet, { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }), (net, ip, prefix) => {
        const r = parseCidr(`${net.join('.')}/${prefix}`);
        const addr = parseIp(ip.join('.'));
        if (!r.ok || !addr) return false;
        const expected = bitsV4(net).slice(0, prefix) === bitsV4(ip).slice(0, prefix);
        return cidrContains(r.block, addr) === expected;
      }),
      { numRuns: 2000 },
    );
  });

  test('IPv4, addresses near the network boundary', () => {
    fc.assert(
      fc.property(fc.array(octet, { minLength: 4, maxLength: 4 }), fc.integer({ min: 1, max: 32 }), fc.boolean(), (net, prefix, flip) => {
        // Flip the last network bit (outside) or the first host bit (inside).
        const bits = bitsV4(net).split('');
        const at = flip ? prefix - 1 : Math.min(prefix, 31);
        bits[at] = bits[at] === '0' ? '1' : '0';
        const ipBits = bits.join('');
        const ip = [0, 8, 16, 24].map((i) => parseInt(ipBits.slice(i, i + 8), 2)).join('.');
        const r = parseCidr(`${net.join('.')}/${prefix}`);
        const expected = bitsV4(net).slice(0, prefix) === ipBits.slice(0, prefix);
        return r.ok && cidrContains(r.block, parseIp(ip)!) === expected;
      }),
      { numRuns: 1000 },
    );
  });

  test('IPv6', () => {
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), fc.array(group, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }), fc.boolean(), (net, ipGroups, prefix, share) => {
        // Half the cases share the network's first groups so containment is often true.
        const ip = share ? [...net.slice(0, Math.floor(prefix / 16)), ...ipGroups.slice(Math.floor(prefix / 16))] : ipGroups;
        const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
        const r = parseCidr(`${hex(net)}/${prefix}`);
        const addr = parseIp(hex(ip));
        if (!r.ok || !addr) return false;
        // ::ffff:x.y.z.w addresses are read as IPv4; the reference only covers native IPv6.
        if (addr.family === 4 || r.block.family === 4) return true;
        const expected = bitsV6(net).slice(0, prefix) === bitsV6(ip).slice(0, prefix);
        return cidrContains(r.block, addr) === expected;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('buildPrefixTable', () => {
  test('longest prefix wins, across lengths and families', () => {
    const entries = ['10.0.0.0/8', '10.30.0.0/16', '10.30.1.0/24', '2001:db8::/32', '2001:db8:30::/48'].map((c) => {
      const r = parseCidr(c);
      if (!r.ok) throw new Error(r.error);
      return { block: r.block, value: c };
    });
    const { table, conflicts } = buildPrefixTable(entries);
    expect(conflicts).toEqual([]);
    const at = (ip: string) => table.lookup(parseIp(ip)!);
    expect(at('10.30.1.5')).toBe('10.30.1.0/24');
    expect(at('10.30.2.5')).toBe('10.30.0.0/16');
    expect(at('10.99.0.1')).toBe('10.0.0.0/8');
    expect(at('11.0.0.1')).toBeUndefined();
    expect(at('2001:db8:30:1::1')).toBe('2001:db8:30::/48');
    expect(at('2001:db8:31::1')).toBe('2001:db8::/32');
    expect(at('::ffff:10.30.1.5')).toBe('10.30.1.0/24');
  });

  test('matches a brute-force scan over random tables', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 20 }),
        (nets, ips) => {
          const blocks = nets.map(([n, p], i) => {
            const r = parseCidr(`${ipKey({ family: 4, value: n })}/${p}`);
            if (!r.ok) throw new Error(r.error);
            return { block: r.block, value: i };
          });
          const { table, conflicts } = buildPrefixTable(blocks);
          const shadowed = new Set(conflicts.map((c) => c.values[1]));
          for (const v of ips) {
            const addr = { family: 4 as const, value: v };
            let best: { prefix: number; value: number } | undefined;
            for (const { block, value } of blocks) {
              if (shadowed.has(value) || !cidrContains(block, addr)) continue;
              if (!best || block.prefix > best.prefix) best = { prefix: block.prefix, value };
            }
            const got = table.lookup(addr);
            // Equal blocks keep the first value; compare prefixes so duplicates do not matter.
            const gotPrefix = got === undefined ? undefined : blocks[got].block.prefix;
            if (gotPrefix !== best?.prefix) return false;
          }
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });

  test('the same CIDR with two different values is a conflict', () => {
    const r = parseCidr('10.0.0.0/24');
    if (!r.ok) throw new Error(r.error);
    const { conflicts } = buildPrefixTable([{ block: r.block, value: 'a' }, { block: r.block, value: 'b' }]);
    expect(conflicts).toHaveLength(1);
  });
});
