import { randomUUID } from 'node:crypto';
import { bearer, createKey, TestApp } from './app.js';

export interface ConsentFixture {
  iam: string;
  counsel: string;
  auditor: string;
  purpose: string;
}

/** A purpose with notice v1 in force since 2020, and keys for the IAM API, counsel and an auditor. */
export async function consentFixture(t: TestApp, purpose = `p-${randomUUID().slice(0, 8)}`): Promise<ConsentFixture> {
  const [iam, counsel, auditor] = await Promise.all([createKey(t, ['iam']), createKey(t, ['counsel']), createKey(t, ['auditor'])]);
  await createPurpose(t, counsel.key, purpose);
  await publishNotice(t, counsel.key, purpose, 'v1', '2020-01-01T00:00:00Z');
  return { iam: iam.key, counsel: counsel.key, auditor: auditor.key, purpose };
}

export async function createPurpose(t: TestApp, key: string, purpose: string): Promise<void> {
  const response = await t.http
    .post('/v1/purposes')
    .set(...bearer(key))
    .send({
      key: purpose,
      title: 'Marketing emails',
      description: 'Product news by email about once a month.',
      lawfulBasis: 'consent',
      dataCategories: ['contact.email'],
      retention: 'P2Y',
    });
  if (response.status !== 201) throw new Error(`createPurpose: ${response.status} ${JSON.stringify(response.body)}`);
}

export async function publishNotice(t: TestApp, key: string, purpose: string, version: string, effectiveFrom: string): Promise<void> {
  const response = await t.http
    .post(`/v1/purposes/${purpose}/notices`)
    .set(...bearer(key))
    .send({ version, language: 'en', text: `Notice ${version}: we email you product news.`, effectiveFrom });
  if (response.status !== 201) throw new Error(`publishNotice: ${response.status} ${JSON.stringify(response.body)}`);
}

export function consentEvent(purpose: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    subjectId: `usr_${randomUUID()}`,
    purpose,
    action: 'granted',
    noticeVersion: 'v1',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    method: 'settings_page',
    sourceSystem: 'iam-api',
    proof: { ipAddress: '203.0.113.77', userAgent: 'Mozilla/5.0 (test)', locale: 'en-GB', jurisdiction: 'UK' },
    ...overrides,
  };
}
