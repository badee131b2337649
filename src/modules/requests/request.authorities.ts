import type { Jurisdiction } from '../deadlines/deadline.rules.js';

const EU_AUTHORITIES: Record<string, string> = {
  IE: 'the Data Protection Commission (Ireland)',
  DE: 'the Federal Commissioner for Data Protection and Freedom of Information or your Land authority',
  FR: 'the CNIL',
  NL: 'the Autoriteit Persoonsgegevens',
  ES: 'the AEPD',
  IT: 'the Garante per la protezione dei dati personali',
  BE: 'the Data Protection Authority (Belgium)',
  LU: 'the CNPD (Luxembourg)',
  AT: 'the Datenschutzbehörde',
  SE: 'IMY (Sweden)',
};

/** Who a requester may complain to, named in refusal notices (Art 12(4), 77). */
export function supervisoryAuthority(jurisdiction: Jurisdiction, controllerCountry: string): string {
  switch (jurisdiction) {
    case 'UK':
      return 'the Information Commissioner’s Office (ico.org.uk)';
    case 'EU':
      return `${EU_AUTHORITIES[controllerCountry] ?? 'our lead supervisory authority'}, or the authority where you live or work`;
    case 'US-CA':
      return 'the California Privacy Protection Agency or the California Attorney General';
    case 'US-VA':
      return 'the Virginia Attorney General';
    case 'BR':
      return 'the ANPD (Autoridade Nacional de Proteção de Dados)';
    case 'CA-QC':
      return 'the Commission d’accès à l’information du Québec';
  }
}
