// IPv4 and IPv6 addresses as integers, and CIDR blocks compiled into a longest-prefix lookup: the
// one address library of detection (OT zones and assets, the Sigma `cidr` modifier, the
// pipeline's endpoint lookups). IPv4 uses plain numbers (fast path); IPv6 uses bigint.
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are treated as the IPv4 address they carry, so a
// sensor that logs dual-stack sockets still lands in the IPv4 zone (and in a rule's IPv4 network).

export type IpAddress = { family: 4; value: number } | { family: 6; value: bigint };

export interface CidrBlock {
  family: 4 | 6;
  /** Network address with host bits cleared. */
  network: number | bigint;
  prefix: number;
}

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted quad. Leading zeros are refused: "010" is octal in some tools, decimal in others. */
function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!IPV4_PART.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function parseIpv6(input: string): bigint | null {
  let text = input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.length === 0) return null;

  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  let tailGroups: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > lastColon) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tailGroups = [Math.floor(v4 / 65536), v4 % 65536];
    text = text.slice(0, lastColon + 1);
    // Keep the trailing ':' only when it belongs to '::'.
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }

  const doubleColon = text.indexOf('::');
  if (doubleColon !== text.lastIndexOf('::')) return null;

  const toGroups = (chunk: string): number[] | null => {
    if (chunk === '') return [];
    const out: number[] = [];
    for (const g of chunk.split(':')) {
      if (!HEX_GROUP.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };

  let groups: number[];
  if (doubleColon >= 0) {
    const head = toGroups(text.slice(0, doubleColon));
    const tail = toGroups(text.slice(doubleColon + 2));
    if (!head || !tail) return null;
    const missing = 8 - head.length - tail.length - tailGroups.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail, ...tailGroups];
  } else {
    const all = toGroups(text);
    if (!all) return null;
    groups = [...all, ...tailGroups];
    if (groups.length !== 8) return null;
  }

  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;
const IPV4_MAPPED_MASK = ~((1n << 32n) - 1n) & ((1n << 128n) - 1n);

/** Parses an IPv4 or IPv6 address; returns null for anything else. */
export function parseIp(text: string): IpAddress | null {
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const v6 = parseIpv6(trimmed);
    if (v6 === null) return null;
    if ((v6 & IPV4_MAPPED_MASK) === IPV4_MAPPED_PREFIX) return { family: 4, value: Number(v6 & 0xffffffffn) };
    return { family: 6, value: v6 };
  }
  const v4 = parseIpv4(trimmed);
  return v4 === null ? null : { family: 4, value: v4 };
}

function maskV4(value: number, prefix: number): number {
  if (prefix === 0) return 0;
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  return (value & mask) >>> 0;
}

function maskV6(value: bigint, prefix: number): bigint {
  if (prefix === 0) return 0n;
  const all = (1n << 128n) - 1n;
  const mask = (all << BigInt(128 - prefix)) & all;
  return value & mask;
}

/**
 * Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128). Host bits are cleared
 * ("10.0.0.1/24" is read as 10.0.0.0/24), as operators often write a gateway address with its mask.
 */
export function parseCidr(text: string): { ok: true; block: CidrBlock } | { ok: false; error: string } {
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, error: 'empty CIDR' };
  const [addrText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return { ok: false, error: `"${text}" has more than one "/"` };
  const addr = parseIp(addrText);
  if (!addr) return { ok: false, error: `"${text}" is not an IPv4 or IPv6 address or CIDR` };
  // ::ffff:a.b.c.d/120 must stay IPv6-sized for its prefix: re-read it as an IPv4 prefix.
  const mappedV6 = addr.family === 4 && addrText.includes(':');
  const max = addr.family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^[0-9]{1,3}$/.test(prefixText)) return { ok: false, error: `"${text}" has an invalid prefix length` };
    prefix = Number(prefixText);
    if (mappedV6) {
      if (prefix < 96) return { ok: false, error: `"${text}": an IPv4-mapped prefix must be /96 or longer` };
      prefix -= 96;
    }
    if (prefix > max) return { ok: false, error: `"${text}": prefix /${prefixText} is longer than ${max} bits` };
  }
  const network = addr.family === 4 ? maskV4(addr.value, prefix) : maskV6(addr.value, prefix);
  return { ok: true, block: { family: addr.family, network, prefix } };
}

/** Whether `addr` lies inside `block`. */
export function cidrContains(block: CidrBlock, addr: IpAddress): boolean {
  if (block.family !== addr.family) return false;
  if (addr.family === 4) return maskV4(addr.value, block.prefix) === block.network;
  return maskV6(addr.value, block.prefix) === block.network;
}

/**
 * Longest-prefix-match table: one hash map per prefix length present, probed from the most
 * specific length down. A lookup costs one mask + one map probe per distinct prefix length
 * (a handful in practice), independent of how many CIDRs the tenant has.
 */
export interface PrefixTable<T> {
  lookup(addr: IpAddress): T | undefined;
}

export interface PrefixEntry<T> {
  block: CidrBlock;
  value: T;
}

export function buildPrefixTable<T>(
  entries: PrefixEntry<T>[],
): { table: PrefixTable<T>; conflicts: { block: CidrBlock; values: [T, T] }[] } {
  const v4 = new Map<number, Map<number, T>>();
  const v6 = new Map<number, Map<bigint, T>>();
  const conflicts: { block: CidrBlock; values: [T, T] }[] = [];
  for (const { block, value } of entries) {
    if (block.family === 4) {
      let byNet = v4.get(block.prefix);
      if (!byNet) v4.set(block.prefix, (byNet = new Map()));
      const net = block.network as number;
      const existing = byNet.get(net);
      if (existing !== undefined && existing !== value) conflicts.push({ block, values: [existing, value] });
      else byNet.set(net, value);
    } else {
      let byNet = v6.get(block.prefix);
      if (!byNet) v6.set(block.prefix, (byNet = new Map()));
      const net = block.network as bigint;
      const existing = byNet.get(net);
      if (existing !== undefined && existing !== value) conflicts.push({ block, values: [existing, value] });
      else byNet.set(net, value);
    }
  }
  const v4Lengths = [...v4.keys()].sort((a, b) => b - a);
  const v6Lengths = [...v6.keys()].sort((a, b) => b - a);
  const table: PrefixTable<T> = {
    lookup(addr) {
      if (addr.family === 4) {
        for (const len of v4Lengths) {
          const hit = v4.get(len)!.get(maskV4(addr.value, len));
          if (hit !== undefined) return hit;
        }
        return undefined;
      }
      for (const len of v6Lengths) {
        const hit = v6.get(len)!.get(maskV6(addr.value, len));
        if (hit !== undefined) return hit;
      }
      return undefined;
    },
  };
  return { table, conflicts };
}

/** Canonical text of an address (used as a map key: "10.0.0.1", "2001:db8::1" in full hex form). */
export function ipKey(addr: IpAddress): string {
  if (addr.family === 4) {
    const v = addr.value;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((addr.value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}
