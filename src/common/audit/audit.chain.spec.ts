import { assertNoPersonalData, ChainLink, ChainVerifier, GENESIS_HASH, hashLink, StoredLink } from './audit.chain.js';

function buildChain(length: number): StoredLink[] {
  const links: StoredLink[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const link: ChainLink = {
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      actor: 'system',
      action: 'thing.done',
      targetType: 'thing',
      targetId: `t${seq}`,
      details: { n: seq },
      prevHash,
    };
    const hash = hashLink(link);
    links.push({ ...link, hash });
    prevHash = hash;
  }
  return links;
}

function verify(links: StoredLink[], head = { seq: links.at(-1)?.seq ?? 0, hash: links.at(-1)?.hash ?? GENESIS_HASH }) {
  const verifier = new ChainVerifier();
  for (const link of links) verifier.step(link);
  return verifier.finish(head);
}

describe('audit chain', () => {
  const chain = buildChain(5);
  const head = { seq: 5, hash: chain[4]!.hash };

  it.each<[string, (links: StoredLink[]) => StoredLink[], number | null]>([
    ['an intact chain', (l) => l, null],
    ['an edited detail (rule: hash covers every field)', (l) => l.map((x) => (x.seq === 3 ? { ...x, details: { n: 99 } } : x)), 3],
    ['an edited actor', (l) => l.map((x) => (x.seq === 2 ? { ...x, actor: 'someone' } : x)), 2],
    ['an edited timestamp', (l) => l.map((x) => (x.seq === 4 ? { ...x, at: new Date(0) } : x)), 4],
    ['a deleted row (rule: sequence has no gaps)', (l) => l.filter((x) => x.seq !== 3), 3],
    ['a deleted first row', (l) => l.filter((x) => x.seq !== 1), 1],
    ['two rows swapped (rule: each link names its predecessor)', (l) => [l[0]!, { ...l[2]!, seq: 2 }, { ...l[1]!, seq: 3 }, l[3]!, l[4]!], 2],
    ['a deleted last row (rule: the head names the last link)', (l) => l.slice(0, 4), 5],
    ['a rehashed edit (rule: the next link still names the old hash)', (l) => {
      const edited = { ...l[1]!, details: { n: 42 } };
      return l.map((x) => (x.seq === 2 ? { ...edited, hash: hashLink(edited) } : x));
    }, 3],
  ])('%s → first broken seq %s', (_name, tamper, expected) => {
    const result = verify(tamper(chain), head);
    expect(result.firstBrokenSeq).toBe(expected);
    expect(result.valid).toBe(expected === null);
  });

  it('counts what it checked and accepts an empty chain', () => {
    expect(verify(chain, head)).toEqual({ valid: true, checked: 5, firstBrokenSeq: null });
    expect(verify([], { seq: 0, hash: GENESIS_HASH })).toEqual({ valid: true, checked: 0, firstBrokenSeq: null });
  });

  it('hash depends on the previous hash', () => {
    const link = { ...chain[0]! };
    expect(hashLink({ ...link, prevHash: 'f'.repeat(64) })).not.toBe(hashLink(link));
  });
});

describe('assertNoPersonalData', () => {
  it.each([[{ email: 'x' }], [{ nested: { Name: 'x' } }], [{ list: [{ ipAddress: '1.2.3.4' }] }], [{ token: 'x' }]])(
    'rejects %j',
    (details) => expect(() => assertNoPersonalData(details)).toThrow(/personal data/),
  );

  it('accepts ids and facts', () => {
    expect(() => assertNoPersonalData({ keyId: 'abc', roles: ['admin'], count: 3, reason: null })).not.toThrow();
  });
});
