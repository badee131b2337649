import { CONSENT_GENESIS, ConsentContent, contentHash, linkHash, proofDigest, StoredConsentLink, truncateIp, verifyConsentChain } from './consent.chain.js';

const proof = { ipTruncated: '203.0.113.0/24', ipHash: 'a'.repeat(64), userAgent: 'Mozilla/5.0', locale: 'en-GB', jurisdiction: 'UK' };

function chain(n: number): StoredConsentLink[] {
  const links: StoredConsentLink[] = [];
  let prev = CONSENT_GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const content: ConsentContent = {
      id: `00000000-0000-4000-8000-00000000000${seq}`,
      subjectRef: 'r'.repeat(64),
      purpose: 'marketing-email',
      action: seq % 2 ? 'granted' : 'withdrawn',
      noticeVersion: 'v1',
      noticeLanguage: 'en',
      noticeHash: 'n'.repeat(64),
      occurredAt: new Date(Date.UTC(2026, 0, seq)),
      recordedAt: new Date(Date.UTC(2026, 0, seq, 0, 0, 1)),
      method: 'settings_page',
      sourceSystem: 'iam',
      recordedBy: 'key-1',
      proofDigest: proofDigest(proof),
    };
    const ch = contentHash(content);
    const hash = linkHash(prev, seq, ch);
    links.push({ ...content, seq, contentHash: ch, prevHash: prev, hash, proof, pseudonymised: false });
    prev = hash;
  }
  return links;
}

const head = (links: StoredConsentLink[]) => ({ seq: links.at(-1)?.seq ?? 0, hash: links.at(-1)?.hash ?? CONSENT_GENESIS });

describe('consent chain', () => {
  const links = chain(4);

  it.each<[string, (l: StoredConsentLink[]) => StoredConsentLink[], number | null]>([
    ['an intact chain', (l) => l, null],
    ['an edited action (content hash)', (l) => l.map((x) => (x.seq === 2 ? { ...x, action: 'granted' as const } : x)), 2],
    ['an edited occurredAt', (l) => l.map((x) => (x.seq === 3 ? { ...x, occurredAt: new Date(0) } : x)), 3],
    ['an edited proof (digest)', (l) => l.map((x) => (x.seq === 1 ? { ...x, proof: { ...x.proof, locale: 'fr-FR' } } : x)), 1],
    ['a deleted row (gap)', (l) => l.filter((x) => x.seq !== 2), 2],
    ['two rows swapped', (l) => [l[0]!, { ...l[2]!, seq: 2 }, { ...l[1]!, seq: 3 }, l[3]!], 2],
  ])('%s → first broken seq %s', (_name, tamper, expected) => {
    expect(verifyConsentChain(tamper(links), head(links)).firstBrokenSeq).toBe(expected);
  });

  it('detects a cut-off tail through the head', () => {
    expect(verifyConsentChain(links.slice(0, 3), head(links))).toMatchObject({ valid: false, firstBrokenSeq: 4 });
  });

  it('stays valid after pseudonymisation removes the user agent', () => {
    const pseudonymised = links.map((x) => ({ ...x, proof: { ...x.proof, userAgent: null }, pseudonymised: true }));
    expect(verifyConsentChain(pseudonymised, head(links))).toEqual({ valid: true, checked: 4, firstBrokenSeq: null });
  });

  it('an empty chain with no head is valid', () => {
    expect(verifyConsentChain([], null)).toEqual({ valid: true, checked: 0, firstBrokenSeq: null });
  });
});

describe('truncateIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['2001:db8:abcd:12::1', '2001:db8:abcd::/48'],
    ['2001:0DB8:0000::1', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
    ['not-an-ip', null],
  ])('%s → %s', (ip, expected) => expect(truncateIp(ip)).toBe(expected));
});
