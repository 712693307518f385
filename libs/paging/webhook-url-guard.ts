// SSRF guard for webhook endpoint URLs: only public addresses, unless private ones are allowed
// for development (WEBHOOK_ALLOW_PRIVATE). Resolution is injected so the check stays pure and
// the caller can pin the connection to the vetted address (against DNS rebinding).
import { isIP } from 'node:net';

export type AddressCategory =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link_local'
  | 'shared' // CGNAT 100.64.0.0/10
  | 'unique_local' // fc00::/7
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'reserved';

/** Categories WEBHOOK_ALLOW_PRIVATE opens up. Link-local stays closed: it hosts cloud metadata services. */
const PRIVATE_CATEGORIES: ReadonlySet<AddressCategory> = new Set(['private', 'loopback', 'shared', 'unique_local']);

function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const p of parts) {
    // Canonical decimal only: '0177' would be octal to some parsers (127), decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    value = value * 256 + Number(p);
  }
  return value;
}

const v4 = (a: number, b: number, c: number, d: number) => ((a * 256 + b) * 256 + c) * 256 + d;
const inV4 = (ip: number, base: number, bits: number) => Math.floor(ip / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits));

const V4_RANGES: Array<[number, number, AddressCategory]> = [
  [v4(0, 0, 0, 0), 8, 'unspecified'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'shared'],
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link_local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'], // IETF protocol assignments
  [v4(192, 0, 2, 0), 24, 'documentation'],
  [v4(192, 88, 99, 0), 24, 'reserved'], // former 6to4 relay anycast
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'reserved'], // benchmarking
  [v4(198, 51, 100, 0), 24, 'documentation'],
  [v4(203, 0, 113, 0), 24, 'documentation'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(255, 255, 255, 255), 32, 'broadcast'],
  [v4(240, 0, 0, 0), 4, 'reserved'],
];

function classifyV4(ip: number): AddressCategory {
  for (const [base, bits, category] of V4_RANGES) if (inV4(ip, base, bits)) return category;
  return 'public';
}

/** 128-bit value of an IPv6 address (zone id dropped), or null if it is not one. */
function parseIPv6(text: string): bigint | null {
  const addr = text.replace(/^\[|\]$/g, '').split('%')[0].toLowerCase();
  if (isIP(addr) !== 6) return null;
  let head = addr;
  const groups: number[] = [];
  // An embedded dotted quad takes the last 32 bits.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  let tail: number[] = [];
  if (quad) {
    const ip4 = parseIPv4(quad[1]);
    if (ip4 === null) return null;
    tail = [Math.floor(ip4 / 65536), ip4 % 65536];
    head = addr.slice(0, -quad[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = left ? left.split(':').map((g) => parseInt(g, 16)) : [];
  const rightGroups = right ? right.split(':').map((g) => parseInt(g, 16)) : [];
  const missing = 8 - tail.length - leftGroups.length - rightGroups.length;
  if (right === undefined && missing !== 0) return null;
  groups.push(...leftGroups, ...Array(right === undefined ? 0 : missing).fill(0), ...rightGroups, ...tail);
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

const v6 = (text: string) => parseIPv6(text)!;
const inV6 = (ip: bigint, base: bigint, bits: number) => ip >> BigInt(128 - bits) === base >> BigInt(128 - bits);
const low32 = (ip: bigint) => Number(ip & 0xffffffffn);

function classifyV6(ip: bigint): AddressCategory {
  if (ip === 0n) return 'unspecified';
  if (ip === 1n) return 'loopback';
  if (inV6(ip, v6('::ffff:0:0'), 96)) return classifyV4(low32(ip)); // IPv4-mapped
  if (inV6(ip, v6('64:ff9b::'), 96)) return classifyV4(low32(ip)); // NAT64 well-known prefix
  if (inV6(ip, v6('2002::'), 16)) return classifyV4(Number((ip >> 80n) & 0xffffffffn)); // 6to4
  if (inV6(ip, v6('::'), 96)) return 'reserved'; // deprecated IPv4-compatible
  if (inV6(ip, v6('64:ff9b:1::'), 48)) return 'private'; // local-use NAT64
  if (inV6(ip, v6('fc00::'), 7)) return 'unique_local';
  if (inV6(ip, v6('fe80::'), 10)) return 'link_local';
  if (inV6(ip, v6('ff00::'), 8)) return 'multicast';
  if (inV6(ip, v6('2001:db8::'), 32) || inV6(ip, v6('3fff::'), 20)) return 'documentation';
  if (inV6(ip, v6('2001::'), 23)) return 'reserved'; // IETF protocol assignments, Teredo
  if (!inV6(ip, v6('2000::'), 3)) return 'reserved'; // outside global unicast (100::/64, fec0::/10, …)
  return 'public';
}

/** What kind of address this is, or null if the text is no IP address. */
export function classifyAddress(address: string): { family: 4 | 6; category: AddressCategory } | null {
  const ip4 = parseIPv4(address);
  if (ip4 !== null) return { family: 4, category: classifyV4(ip4) };
  const ip6 = parseIPv6(address);
  if (ip6 !== null) return { family: 6, category: classifyV6(ip6) };
  return null;
}

export interface WebhookUrlCheckOptions {
  /** Development only: permit http:// and private, loopback, CGNAT and unique-local addresses. */
  allowPrivate: boolean;
  /** DNS lookup of a host name (A and AAAA); throwing or returning [] refuses the URL. */
  resolve: (host: string) => Promise<string[]>;
}

export type WebhookUrlCheck =
  | { ok: true; url: string; hostname: string; port: number; address: string; family: 4 | 6; addresses: string[] }
  | { ok: false; reason: string };

/**
 * Check a webhook URL before every delivery (DNS answers change). On success, connect to
 * `address` (with `hostname` as TLS servername / Host header), not to a fresh lookup.
 */
export async function checkWebhookUrl(url: string, opts: WebhookUrlCheckOptions): Promise<WebhookUrlCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (parsed.protocol === 'http:') {
    if (!opts.allowPrivate) return { ok: false, reason: 'webhook URLs must use https (http is allowed only with WEBHOOK_ALLOW_PRIVATE)' };
  } else if (parsed.protocol !== 'https:') {
    return { ok: false, reason: `scheme ${parsed.protocol.replace(/:$/, '')} is not allowed; use https` };
  }
  if (parsed.username || parsed.password) return { ok: false, reason: 'credentials in the URL are not allowed; use the endpoint secret' };
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!hostname) return { ok: false, reason: 'URL has no host' };

  let addresses: string[];
  if (classifyAddress(hostname) !== null) {
    addresses = [hostname]; // IP literal, already normalised by the WHATWG parser (2130706433 → 127.0.0.1)
  } else {
    try {
      addresses = await opts.resolve(hostname);
    } catch (e) {
      return { ok: false, reason: `could not resolve ${hostname}: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (!Array.isArray(addresses) || addresses.length === 0) return { ok: false, reason: `${hostname} resolves to no address` };
  }

  let vetted: { address: string; family: 4 | 6 } | undefined;
  for (const address of addresses) {
    const c = classifyAddress(address);
    if (c === null) return { ok: false, reason: `${hostname} resolved to ${JSON.stringify(address)}, which is not an IP address` };
    const allowed = c.category === 'public' || (opts.allowPrivate && PRIVATE_CATEGORIES.has(c.category));
    if (!allowed) {
      const via = address === hostname ? '' : ` (${hostname} resolves to it)`;
      return { ok: false, reason: `address ${address}${via} is ${c.category.replace('_', '-')}, not a public address` };
    }
    vetted ??= { address, family: c.family };
  }
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return { ok: true, url: parsed.href, hostname, port, address: vetted!.address, family: vetted!.family, addresses };
}
