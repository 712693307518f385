import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { postWebhook } from './webhook-transport';

const cert = fs.readFileSync(path.join(__dirname, '__fixtures__/tls-test-cert.pem'));
const key = fs.readFileSync(path.join(__dirname, '__fixtures__/tls-test-key.pem'));

describe('postWebhook (real sockets on 127.0.0.1)', () => {
  const seen: Array<{ host?: string; servername: string | false | null | undefined; body: string }> = [];
  let tlsServer: https.Server;
  let plain: http.Server;
  let tlsPort: number;
  let plainPort: number;

  beforeAll(async () => {
    tlsServer = https.createServer({ cert, key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        seen.push({ host: req.headers.host, servername: (req.socket as TLSSocket).servername, body: Buffer.concat(chunks).toString() });
        res.writeHead(200).end('{"status":"success"}');
      });
    });
    plain = http.createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    tlsPort = (tlsServer.address() as AddressInfo).port;
    plainPort = (plain.address() as AddressInfo).port;
  });
  afterAll(async () => {
    tlsServer.closeAllConnections();
    plain.closeAllConnections();
    await new Promise((r) => tlsServer.close(r));
    await new Promise((r) => plain.close(r));
  });

  const post = (url: string, extra: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
    postWebhook({ url, address: '127.0.0.1', family: 4, headers: { 'content-type': 'application/json' }, body: '{"a":1}', timeoutMs: 2000, ...extra });

  it('connects to the pinned address while keeping the URL host for SNI, certificate check and Host', async () => {
    const res = await post(`https://hooks.example.test:${tlsPort}/hook`, { ca: cert });
    expect(res).toMatchObject({ ok: true, statusCode: 200, excerpt: '{"status":"success"}' });
    expect(seen.at(-1)).toEqual({ host: `hooks.example.test:${tlsPort}`, servername: 'hooks.example.test', body: '{"a":1}' });
  });

  it('refuses a certificate that does not name the URL host, and an untrusted one', async () => {
    const wrongName = await post(`https://other.example.test:${tlsPort}/hook`, { ca: cert });
    expect(wrongName.ok).toBe(false);
    if (!wrongName.ok) expect(wrongName.error).toMatch(/altnames|Hostname/i);
    const untrusted = await post(`https://hooks.example.test:${tlsPort}/hook`);
    expect(untrusted.ok).toBe(false);
    if (!untrusted.ok) expect(untrusted.error).toMatch(/self.signed|certificate/i);
  });

  it('times out a receiver that never answers', async () => {
    const res = await post(`http://127.0.0.1:${plainPort}/slow`, { timeoutMs: 300 });
    expect(res).toMatchObject({ ok: false, timedOut: true });
    expect(res.latencyMs).toBeGreaterThanOrEqual(290);
  });

  it('does not follow redirects', async () => {
    expect(await post(`http://127.0.0.1:${plainPort}/redirect`)).toMatchObject({ ok: true, statusCode: 302 });
  });
});
