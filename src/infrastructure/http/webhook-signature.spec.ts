import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature.js';

describe('webhook signature', () => {
  const secret = 'whsec_test';
  const body = '{"type":"consent.granted"}';

  it('is HMAC-SHA256 over "<t>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, 1700000000, body)).toBe(`t=1700000000,v1=${expected}`);
  });

  it.each([
    ['a valid signature', (h: string) => h, body, 1700000100, true],
    ['a changed body', (h: string) => h, body.replace('granted', 'withdrawn'), 1700000100, false],
    ['another secret', () => signWebhook('whsec_other', 1700000000, body), body, 1700000100, false],
    ['a stale timestamp (replay)', (h: string) => h, body, 1700000000 + 301, false],
    ['garbage', () => 'nonsense', body, 1700000100, false],
  ])('%s → %s', (_name, mutate, payload, now, ok) => {
    expect(verifyWebhook(secret, mutate(signWebhook(secret, 1700000000, body)), payload, now)).toBe(ok);
  });
});
