import { TC_STRING } from '../../../test/fixtures/iab-signals.js';
import { signalsDigest } from './iab-signals.js';
import { CONSENT_GENESIS, ConsentContent, ConsentProof, contentHash, linkHash, proofDigest, StoredConsentLink, truncateIp, verifyConsentChain } from './consent.chain.js';

const proof: ConsentProof = { ipTruncated: '203.0.113.0/24', ipHash: 'a'.repeat(64), userAgent: 'Mozilla/5.0', locale: 'en-GB', jurisdiction: 'UK' };

function chain(n: number, withProof: ConsentProof = proof): StoredConsentLink[] {
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
      proofDigest: proofDigest(withProof),
    };
    const ch = contentHash(content);
    const hash = linkHash(prev, seq, ch);
    links.push({ ...content, seq, contentHash: ch, prevHash: prev, hash, proof: withProof, pseudonymised: false });
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

  it('an event without signal strings keeps the proof digest it always had (old chains verify)', () => {
    // Pinned: the digest of this proof before TC/GPP strings were accepted.
    expect(proofDigest(proof)).toBe('c992f787645d8a68f1b697fd447b08569d778e8947398c6669b15305910ba880');
    expect(proofDigest({ ...proof, signals: undefined })).toBe(proofDigest(proof));
  });

  describe('with a TC or GPP string as evidence', () => {
    const evidence = signalsDigest({ tcString: TC_STRING })!;
    const signed = chain(3, { ...proof, signals: evidence });

    it.each<[string, (l: StoredConsentLink[]) => StoredConsentLink[], number | null]>([
      ['the strings as recorded', (l) => l, null],
      ['another string in their place', (l) => l.map((x) => (x.seq === 2 ? { ...x, proof: { ...x.proof, signals: signalsDigest({ tcString: TC_STRING.slice(0, -4) }) } } : x)), 2],
      ['the strings removed without pseudonymisation', (l) => l.map((x) => (x.seq === 2 ? { ...x, proof: { ...x.proof, signals: undefined } } : x)), 2],
      ['a string that no longer opens', (l) => l.map((x) => (x.seq === 3 ? { ...x, proof: { ...x.proof, signals: 'unreadable' } } : x)), 3],
      ['a string added to an event that had none', () => chain(2).map((x) => (x.seq === 1 ? { ...x, proof: { ...x.proof, signals: evidence } } : x)), 1],
    ])('%s → first broken seq %s', (name, tamper, expected) => {
      const links = tamper(signed);
      expect(verifyConsentChain(links, head(name.includes('had none') ? chain(2) : signed)).firstBrokenSeq).toBe(expected);
    });

    it('stays valid after pseudonymisation removes the strings', () => {
      const pseudonymised = signed.map((x) => ({ ...x, proof: { ...x.proof, userAgent: null, signals: undefined }, pseudonymised: true }));
      expect(verifyConsentChain(pseudonymised, head(signed))).toEqual({ valid: true, checked: 3, firstBrokenSeq: null });
    });
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
