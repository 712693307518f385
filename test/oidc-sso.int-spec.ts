// SSO through a real OIDC issuer on 127.0.0.1: the built api (run as production runs it) reads the
// issuer's discovery document, fetches its JWKS with jose, verifies RS256 access tokens and maps
// them to users by subject or e-mail. Every way a token can be wrong is refused.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from './harness';
import { startAppProcess, type AppProcess } from './app-process';

const AUDIENCE = 'watchfloor-api';
const KID = 'key-2026-11';
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signJwt(payload: Record<string, unknown>, key: crypto.KeyObject, header: Record<string, unknown> = { alg: 'RS256', kid: KID, typ: 'JWT' }): string {
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  return `${signingInput}.${crypto.sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}

describe('OIDC single sign-on against a live issuer', () => {
  let t: TestDatabase;
  let r: TestRedis;
  let api: AppProcess;
  let issuerServer: http.Server;
  let issuer: string;
  const requests: string[] = [];
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  const claims = (over: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: issuer, aud: AUDIENCE, sub: 'okta|analyst-7', email: 'analyst7@msp.example', iat: now, exp: now + 300, ...over };
  };
  const me = async (token: string) => {
    const res = await fetch(`${api.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { email role } }' }),
    });
    return (await res.json()) as { data?: { me: { email: string; role: string } } | null; errors?: Array<{ extensions?: { code?: string } }> };
  };

  beforeAll(async () => {
    issuerServer = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}jwks`, id_token_signing_alg_values_supported: ['RS256'] }));
      } else if (req.url === '/jwks') {
        res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}/`;
    t = await createTestDatabase();
    r = await createTestRedis();
    await t.owner.query(
      `INSERT INTO users (email, display_name, role, oidc_subject) VALUES ('analyst7@msp.example', 'Analyst Seven', 'SOC_ANALYST', 'okta|analyst-7'),
              ('lead@msp.example', 'Lead by e-mail', 'SOC_LEAD', NULL), ('gone@msp.example', 'Disabled', 'SOC_LEAD', 'okta|gone')`,
    );
    await t.owner.query(`UPDATE users SET disabled = true WHERE email = 'gone@msp.example'`);
    api = await startAppProcess('api', { DATABASE_URL: t.url, REDIS_URL: r.url, QUEUE_PREFIX: r.queuePrefix, OIDC_ISSUER: issuer, OIDC_AUDIENCE: AUDIENCE });
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    await new Promise((resolve) => issuerServer?.close(resolve));
    await r?.cleanup();
    await t?.drop();
  }, 30_000);

  it('accepts a token signed by the issuer and maps it by subject, or by e-mail for a user not linked yet', async () => {
    expect(await me(signJwt(claims(), privateKey))).toEqual({ data: { me: { email: 'analyst7@msp.example', role: 'SOC_ANALYST' } } });
    const byEmail = await me(signJwt(claims({ sub: 'okta|lead-1', email: 'LEAD@msp.example' }), privateKey));
    expect(byEmail.data?.me).toEqual({ email: 'lead@msp.example', role: 'SOC_LEAD' });
    // Discovery and the key set were fetched from the issuer, once for both requests.
    expect(requests.filter((u) => u === '/.well-known/openid-configuration')).toHaveLength(1);
    expect(requests.filter((u) => u === '/jwks')).toHaveLength(1);
  });

  it.each([
    ['another audience', () => signJwt(claims({ aud: 'someone-else' }), privateKey)],
    ['another issuer', () => signJwt(claims({ iss: 'https://evil.example/' }), privateKey)],
    ['an expired token', () => signJwt(claims({ iat: 1, exp: 2 }), privateKey)],
    ['a key the issuer does not publish, under its key id', () => signJwt(claims(), stranger)],
    ['an unsigned token (alg none)', () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`],
    ['a subject and e-mail nobody has', () => signJwt(claims({ sub: 'okta|nobody', email: 'nobody@msp.example' }), privateKey)],
    ['a disabled user', () => signJwt(claims({ sub: 'okta|gone', email: 'gone@msp.example' }), privateKey)],
  ])('refuses %s as UNAUTHENTICATED', async (_what, token) => {
    const res = await me(token());
    expect(res.data?.me ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
