import { apiKeyMatches, generateApiKey, parseApiKey } from './api-keys';

describe('sensor API keys', () => {
  it('round-trips: a generated key parses and matches its own hash only', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const parsed = parseApiKey(a.key)!;
    expect(parsed.prefix).toBe(a.prefix);
    expect(apiKeyMatches(parsed.secret, a.hash)).toBe(true);
    expect(apiKeyMatches(parsed.secret, b.hash)).toBe(false);
    expect(a.key).not.toContain(a.hash);
  });

  it('rejects malformed keys', () => {
    const { key } = generateApiKey();
    for (const bad of ['', 'wfk_', key.slice(0, -1), key.replace('wfk_', 'wfx_'), `${key}x`, 'Bearer ' + key]) expect(parseApiKey(bad)).toBeNull();
  });
});
