import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('k'.repeat(40));
  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('whsec_c2VjcmV0');
    expect(sealed).not.toContain('c2VjcmV0');
    expect(box.open(sealed)).toBe('whsec_c2VjcmV0');
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });
  it('refuses a tampered ciphertext or a different key', () => {
    const sealed = box.seal('routing-key');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox('z'.repeat(40)).open(sealed)).toThrow();
    expect(() => new SecretBox('short')).toThrow(/at least 32/);
  });
});
