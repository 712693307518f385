import { checkWebhookUrl, classifyAddress } from './webhook-url-guard';

/** A fake DNS: a table of answers; unknown names fail like ENOTFOUND. */
function dns(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const answer = table[host];
    if (!answer) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return answer;
  };
  return { resolve, asked };
}

const publicDns = dns({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'] });
const strict = { allowPrivate: false, resolve: publicDns.resolve };

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.63.255.255', 'public'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.0', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link_local'],
    ['172.15.255.255', 'public'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456:789a::1', 'unique_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'reserved'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link_local'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:c0a8:0101::1', 'private'], // 6to4 of 192.168.1.1
    ['2002:0808:0808::1', 'public'],
    ['::127.0.0.1', 'reserved'],
    ['100::1', 'reserved'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'], // Teredo
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['1:2:3:4:5:6:7:8', 'reserved'],
  ])('%s is %s', (address, category) => {
    expect(classifyAddress(address)?.category).toBe(category);
  });

  it('returns null for anything that is not an IP address', () => {
    for (const text of ['example.com', '1.2.3', '256.1.1.1', '01.2.3.4x', '::g', '1:2:3:4:5:6:7:8:9', '', '0177.0.0.1', '010.0.0.1']) expect(classifyAddress(text)).toBeNull();
  });
});

describe('checkWebhookUrl', () => {
  it('accepts an https URL whose every address is public and returns the address to pin', async () => {
    const r = await checkWebhookUrl('https://hooks.example.com/pager?team=ot', strict);
    expect(r).toEqual({
      ok: true,
      url: 'https://hooks.example.com/pager?team=ot',
      hostname: 'hooks.example.com',
      port: 443,
      address: '93.184.216.34',
      family: 4,
      addresses: ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    });
  });

  it('refuses http, other schemes, credentials and garbage', async () => {
    expect(await checkWebhookUrl('http://hooks.example.com/', strict)).toEqual({ ok: false, reason: 'webhook URLs must use https (http is allowed only with WEBHOOK_ALLOW_PRIVATE)' });
    expect(await checkWebhookUrl('ftp://hooks.example.com/', strict)).toEqual({ ok: false, reason: 'scheme ftp is not allowed; use https' });
    expect(await checkWebhookUrl('file:///etc/passwd', strict)).toMatchObject({ ok: false, reason: 'scheme file is not allowed; use https' });
    expect(await checkWebhookUrl('https://user:pw@hooks.example.com/', strict)).toEqual({ ok: false, reason: 'credentials in the URL are not allowed; use the endpoint secret' });
    expect(await checkWebhookUrl('https://token@hooks.example.com/', strict)).toMatchObject({ ok: false });
    // The part before @ is userinfo, not the host: refused as credentials rather than trusted.
    expect(await checkWebhookUrl('https://hooks.example.com:443@127.0.0.1/', strict)).toMatchObject({ ok: false, reason: expect.stringMatching(/credentials/) });
    expect(await checkWebhookUrl('not a url', strict)).toEqual({ ok: false, reason: 'not a valid absolute URL' });
    expect(await checkWebhookUrl('/relative/path', strict)).toEqual({ ok: false, reason: 'not a valid absolute URL' });
  });

  it('refuses a name when any one of its addresses is not public (no partial trust)', async () => {
    const mixed = dns({ 'mixed.example.com': ['93.184.216.34', '10.0.0.5'] });
    expect(await checkWebhookUrl('https://mixed.example.com/', { allowPrivate: false, resolve: mixed.resolve })).toEqual({
      ok: false,
      reason: 'address 10.0.0.5 (mixed.example.com resolves to it) is private, not a public address',
    });
  });

  it.each([
    ['localhost', ['127.0.0.1', '::1']],
    ['metadata.internal', ['169.254.169.254']],
    ['cgnat.example.com', ['100.64.1.1']],
    ['v6only.example.com', ['fd00::1']],
    ['mapped.example.com', ['::ffff:192.168.0.10']],
    ['nat64.example.com', ['64:ff9b::10.0.0.1']],
    ['zero.example.com', ['0.0.0.0']],
  ])('refuses %s resolving to %j', async (host, answer) => {
    const r = await checkWebhookUrl(`https://${host}/hook`, { allowPrivate: false, resolve: dns({ [host]: answer }).resolve });
    expect(r.ok).toBe(false);
  });

  it('refuses names that do not resolve or resolve to nothing, with the reason', async () => {
    expect(await checkWebhookUrl('https://nowhere.example.com/', strict)).toEqual({ ok: false, reason: 'could not resolve nowhere.example.com: getaddrinfo ENOTFOUND nowhere.example.com' });
    const empty = dns({ 'empty.example.com': [] });
    expect(await checkWebhookUrl('https://empty.example.com/', { allowPrivate: false, resolve: empty.resolve })).toEqual({ ok: false, reason: 'empty.example.com resolves to no address' });
    const octal = dns({ 'octal.example.com': ['0177.0.0.1'] });
    expect(await checkWebhookUrl('https://octal.example.com/', { allowPrivate: false, resolve: octal.resolve })).toMatchObject({ ok: false, reason: expect.stringMatching(/not an IP address/) });
    const junk = dns({ 'junk.example.com': ['not-an-ip'] });
    expect(await checkWebhookUrl('https://junk.example.com/', { allowPrivate: false, resolve: junk.resolve })).toMatchObject({ ok: false, reason: expect.stringMatching(/not an IP address/) });
  });

  it.each([
    ['https://127.0.0.1/', '127.0.0.1'],
    ['https://2130706433/', '127.0.0.1'], // decimal
    ['https://0x7f000001/', '127.0.0.1'], // hex
    ['https://0x7f.1/', '127.0.0.1'], // hex, short form
    ['https://017700000001/', '127.0.0.1'], // octal
    ['https://0177.0.0.1/', '127.0.0.1'],
    ['https://127.1/', '127.0.0.1'],
    ['https://3232235777/', '192.168.1.1'],
    ['https://0/', '0.0.0.0'],
    ['https://[::1]/', '::1'],
    ['https://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['https://[0:0:0:0:0:ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe'],
    ['https://[fe80::1]/', 'fe80::1'],
    ['https://127.0.0.1./', '127.0.0.1'], // trailing dot
    ['https://①②⑦.0.0.1/', '127.0.0.1'], // IDNA maps circled digits before the IPv4 parse
    ['https://0x7F.000.00.01/', '127.0.0.1'],
    ['https://[0::1]/', '::1'],
  ])('refuses the IP literal %s (normalised to %s) without asking DNS', async (url, normalised) => {
    const probe = dns({});
    const r = await checkWebhookUrl(url, { allowPrivate: false, resolve: probe.resolve });
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining(`address ${normalised} is `) });
    expect(probe.asked).toEqual([]);
  });

  it('accepts a public IP literal and pins it', async () => {
    expect(await checkWebhookUrl('https://134744072:8443/x', strict)).toMatchObject({ ok: true, address: '8.8.8.8', port: 8443, family: 4 });
    expect(await checkWebhookUrl('https://[2606:4700:4700::1111]/x', strict)).toMatchObject({ ok: true, address: '2606:4700:4700::1111', family: 6 });
  });

  describe('with allowPrivate (development)', () => {
    const dev = (table: Record<string, string[]>) => ({ allowPrivate: true, resolve: dns(table).resolve });

    it('allows http, loopback, private, CGNAT and unique-local addresses', async () => {
      expect(await checkWebhookUrl('http://localhost:4000/hook', dev({ localhost: ['127.0.0.1'] }))).toMatchObject({ ok: true, address: '127.0.0.1', port: 4000 });
      expect(await checkWebhookUrl('http://10.1.2.3/hook', dev({}))).toMatchObject({ ok: true, port: 80 });
      expect(await checkWebhookUrl('https://100.64.0.7/hook', dev({}))).toMatchObject({ ok: true });
      expect(await checkWebhookUrl('https://[fd00::7]/hook', dev({}))).toMatchObject({ ok: true, family: 6 });
    });

    it('still refuses link-local (cloud metadata), unspecified, multicast, broadcast and reserved addresses', async () => {
      for (const url of ['http://169.254.169.254/latest/meta-data', 'http://0.0.0.0/', 'http://224.0.0.1/', 'http://255.255.255.255/', 'http://240.0.0.1/', 'http://[fe80::1]/', 'http://[::]/']) {
        expect(await checkWebhookUrl(url, dev({}))).toMatchObject({ ok: false });
      }
    });
  });
});
