/**
 * Which of `offered` media types an Accept header prefers, as Express's `req.accepts()` chose:
 * the highest q, then the most specific matching range, then the range listed first, then the
 * type offered first. No header: the first offered. None acceptable: undefined.
 */
export function preferredType(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === '') return offered[0];
  const ranges = accept.split(',').flatMap((text, order) => {
    const [range = '', ...params] = text.trim().toLowerCase().split(';');
    const [type, subtype] = range.trim().split('/');
    if (!type || !subtype) return [];
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return Number.isFinite(q) ? [{ type, subtype, q, order }] : [];
  });
  const ranked = offered.flatMap((candidate, index) => {
    const [type, subtype] = candidate.toLowerCase().split('/');
    let best: { q: number; specificity: number; order: number } | undefined;
    for (const range of ranges) {
      if ((range.type !== '*' && range.type !== type) || (range.subtype !== '*' && range.subtype !== subtype)) continue;
      const specificity = (range.type === type ? 2 : 0) + (range.subtype === subtype ? 1 : 0);
      if (!best || specificity > best.specificity) best = { q: range.q, specificity, order: range.order };
    }
    return best && best.q > 0 ? [{ candidate, index, ...best }] : [];
  });
  ranked.sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.order - b.order || a.index - b.index);
  return ranked[0]?.candidate;
}
