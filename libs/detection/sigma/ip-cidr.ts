// Our own IPv4/IPv6 parsing and CIDR membership (the `cidr` modifier). Addresses are kept as
// four 32-bit words (IPv4 uses the last word) so membership is a masked compare.

export interface IpAddress {
  version: 4 | 6;
  words: [number, number, number, number];
}

export interface CidrNetwork {
  version: 4 | 6;
  prefix: number;
  words: [number, number, number, number];
  masks: [number, number, number, number];
}

export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    if (p.length > 1 && p[0] === '0') return null; // leading zeros are ambiguous (octal), refuse
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n >>> 0;
}

function parseGroups(part: string): number[] | null {
  if (part === '') return [];
  const out: number[] = [];
  for (const g of part.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    out.push(parseInt(g, 16));
  }
  return out;
}

/** Parses IPv6 text (with `::`, embedded IPv4 tail and an optional `%zone`) into 8 groups. */
export function parseIPv6(input: string): number[] | null {
  let text = input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) return null;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    const head = text.slice(0, lastColon + 1);
    text = head.endsWith('::') ? head : head.slice(0, -1);
  }
  const dbl = text.indexOf('::');
  let groups: number[];
  if (dbl >= 0) {
    if (text.indexOf('::', dbl + 1) >= 0) return null;
    const head = parseGroups(text.slice(0, dbl));
    const rest = parseGroups(text.slice(dbl + 2));
    if (!head || !rest) return null;
    const missing = 8 - head.length - rest.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail];
  } else {
    const all = parseGroups(text);
    if (!all) return null;
    groups = [...all, ...tail];
  }
  return groups.length === 8 ? groups : null;
}

export function parseIp(text: string): IpAddress | null {
  const t = text.trim();
  if (t.includes(':')) {
    const g = parseIPv6(t);
    if (!g) return null;
    return {
      version: 6,
      words: [
        ((g[0] << 16) | g[1]) >>> 0,
        ((g[2] << 16) | g[3]) >>> 0,
        ((g[4] << 16) | g[5]) >>> 0,
        ((g[6] << 16) | g[7]) >>> 0,
      ],
    };
  }
  const v4 = parseIPv4(t);
  return v4 === null ? null : { version: 4, words: [0, 0, 0, v4] };
}

export function parseCidr(text: string): CidrNetwork | null {
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const ip = parseIp(addrText);
  if (!ip) return null;
  const max = ip.version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > max) return null;
  }
  const bitsBefore = ip.version === 4 ? 96 : 0;
  const total = prefix + bitsBefore;
  const masks: [number, number, number, number] = [0, 0, 0, 0];
  for (let w = 0; w < 4; w++) {
    const bits = Math.max(0, Math.min(32, total - w * 32));
    masks[w] = bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
  }
  if (ip.version === 4) masks[0] = masks[1] = masks[2] = 0;
  const words = ip.words.map((v, i) => (v & masks[i]) >>> 0) as [number, number, number, number];
  return { version: ip.version, prefix, words, masks };
}

function isV4Mapped(ip: IpAddress): boolean {
  return ip.version === 6 && ip.words[0] === 0 && ip.words[1] === 0 && ip.words[2] === 0xffff;
}

/**
 * True when `ip` lies in `net`. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is compared as the
 * IPv4 address it carries, because sensors print the same peer either way.
 */
export function cidrContains(net: CidrNetwork, ip: IpAddress): boolean {
  let addr = ip;
  if (net.version === 4 && isV4Mapped(ip)) addr = { version: 4, words: [0, 0, 0, ip.words[3]] };
  if (addr.version !== net.version) return false;
  for (let w = 0; w < 4; w++) if (((addr.words[w] & net.masks[w]) >>> 0) !== net.words[w]) return false;
  return true;
}
