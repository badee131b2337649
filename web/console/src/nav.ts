import { messages } from './i18n';
import type { Role } from './session';

export interface NavItem {
  to: string;
  label: string;
  /** Shown to a person holding any of these roles (the roles the page's API calls need). */
  roles: Role[];
}

export interface NavGroup {
  label: string;
  items: NavItem[];
}

const n = messages.common.nav;

export const NAV: NavGroup[] = [
  {
    label: n.groupCounsel,
    items: [
      { to: '/', label: n.board, roles: ['counsel'] },
      { to: '/calculator', label: n.calculator, roles: ['counsel'] },
      { to: '/calendar-feeds', label: n.calendarFeeds, roles: ['counsel'] },
    ],
  },
  {
    label: n.groupAuditor,
    items: [
      { to: '/register', label: n.register, roles: ['admin', 'counsel', 'auditor'] },
      { to: '/subprocessors', label: n.subprocessors, roles: ['admin', 'counsel', 'auditor'] },
      { to: '/audit', label: n.audit, roles: ['auditor', 'admin'] },
      { to: '/consent-reports', label: n.consentReports, roles: ['counsel', 'auditor'] },
      { to: '/evidence', label: n.evidence, roles: ['auditor'] },
    ],
  },
  {
    label: n.groupAdmin,
    items: [
      { to: '/keys', label: n.keys, roles: ['admin'] },
      { to: '/webhooks', label: n.webhooks, roles: ['admin'] },
      { to: '/purposes', label: n.purposes, roles: ['admin', 'counsel'] },
      { to: '/taxonomy', label: n.taxonomy, roles: ['admin', 'counsel', 'auditor'] },
      { to: '/data-stores', label: n.dataStores, roles: ['admin', 'counsel'] },
    ],
  },
];

export function navFor(roles: readonly Role[]): NavGroup[] {
  return NAV.map((g) => ({ ...g, items: g.items.filter((i) => i.roles.some((r) => roles.includes(r))) })).filter((g) => g.items.length > 0);
}

/** Where a person lands: the first page their roles open, or undefined when they open none. */
export function homeFor(roles: readonly Role[]): string | undefined {
  return navFor(roles)[0]?.items[0]?.to;
}
