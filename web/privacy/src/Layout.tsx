import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet } from 'react-router';
import { ACCOUNT_KEY, useAccount } from './account';
import { accountApi, ensure } from './api';
import { fmt } from '../../shared/i18n';
import { useCenter } from './config';
import { CATALOGUES, LOCALES, useLocale } from './i18n';
import { Loading } from './ui/Page';
import { ProblemAlert } from './ui/Problem';

/** The language switcher: each language named in itself, the current one marked. */
function Languages() {
  const { locale, setLocale, m } = useLocale();
  return (
    <nav className="languages" aria-label={m.common.language}>
      <ul>
        {LOCALES.map((l) => (
          <li key={l}>
            <button type="button" lang={l} aria-current={l === locale ? 'true' : undefined} onClick={() => setLocale(l)}>
              {CATALOGUES[l].languageName}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Who is signed in, and the way out. */
function AccountBar() {
  const { m } = useLocale();
  const client = useQueryClient();
  const account = useAccount(true);
  const signOut = useMutation({
    mutationFn: () => ensure(accountApi.DELETE('/v1/privacy/session')),
    onSuccess: () => client.setQueryData(ACCOUNT_KEY, null),
  });
  if (!account.data) return null;
  return (
    <div className="account-bar">
      <span>{fmt(m.account.signedInAs, { who: account.data.email ?? account.data.subjectId })}</span>
      <button type="button" className="button-secondary" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
        {m.account.signOut}
      </button>
    </div>
  );
}

export function Layout() {
  const { m } = useLocale();
  const center = useCenter();
  const controller = center.data?.controller;
  return (
    <>
      <a className="skip-link" href="#main">
        {m.common.skip}
      </a>
      <header className="app-header">
        <div className="app-bar">
          <Link to="/" className="brand">
            {/* Decorative: the controller's name is written beside it. */}
            {center.data?.logoUrl ? <img src={center.data.logoUrl} alt="" className="logo" /> : null}
            <span>{controller?.name ?? m.common.appName}</span>
          </Link>
          <Languages />
        </div>
        {center.data?.signIn ? <AccountBar /> : null}
      </header>
      <main id="main" tabIndex={-1}>
        {center.isPending ? <Loading /> : center.isError ? <ProblemAlert error={center.error} /> : <Outlet />}
      </main>
      {controller ? (
        <footer className="app-footer">
          {controller.privacyNoticeUrl ? (
            <p>
              <a href={controller.privacyNoticeUrl}>{m.common.privacyNotice}</a>
            </p>
          ) : null}
          <p>{fmt(m.common.contact, { contact: controller.contact })}</p>
        </footer>
      ) : null}
    </>
  );
}
