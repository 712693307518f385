import { Role } from './roles';
import { signAccessToken, tokenAlgorithm, verifyAccessToken } from './access-tokens';

const secret = 's'.repeat(40);
const claims = { sub: '7d1c1f0e-0000-4000-8000-000000000001', role: Role.SOC_ANALYST, tenantIds: ['t1'] };

describe('access tokens', () => {
  it('round-trips claims with a 15 minute expiry', () => {
    const token = signAccessToken(secret, claims, 1000, 900);
    const check = verifyAccessToken(secret, token, 1000 + 899);
    expect(check).toEqual({ ok: true, claims: { ...claims, iat: 1000, exp: 1900 } });
    expect(tokenAlgorithm(token)).toBe('HS256');
  });

  it('rejects expired, re-signed, tampered and alg=none tokens', () => {
    const token = signAccessToken(secret, claims, 1000, 900);
    expect(verifyAccessToken(secret, token, 1900)).toEqual({ ok: false, reason: 'token expired' });
    expect(verifyAccessToken('o'.repeat(40), token, 1000)).toMatchObject({ ok: false, reason: 'bad signature' });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'PLATFORM_ADMIN', iat: 1000, exp: 1900 })).toString('base64url');
    expect(verifyAccessToken(secret, `${h}.${forged}.${s}`, 1000)).toMatchObject({ ok: false, reason: 'bad signature' });
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(verifyAccessToken(secret, `${none}.${token.split('.')[1]}.`, 1000)).toMatchObject({ ok: false, reason: 'unexpected algorithm' });
    expect(verifyAccessToken(secret, 'garbage', 1000)).toMatchObject({ ok: false });
  });
});
