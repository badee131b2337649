import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { api, ensure, LetheProblem } from '../../shared/api';
import { fmt } from '../../shared/i18n';
import { messages } from './i18n';
import { navFor } from './nav';
import { useForgetSession, useSession } from './session';
import { ProblemAlert } from './ui/Problem';

const m = messages.common;

/** Header with the person's pages (by role), their name and sign-out; the page in <main>. */
export function Layout() {
  const session = useSession();
  const forget = useForgetSession();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location.pathname]);
  // Forgotten only when the server ended the session (or it had already ended): a failed sign-out keeps
  // the app and says so, since the session still works on the server.
  const signOut = useMutation({
    mutationFn: () => ensure(api.DELETE('/v1/session')),
    onSuccess: () => forget('signed-out'),
    onError: (error) => {
      if (error instanceof LetheProblem && error.status === 401) forget('signed-out');
    },
  });
  const groups = navFor(session.roles);
  return (
    <>
      <a className="skip-link" href="#main">
        {m.skipToContent}
      </a>
      <header className="app-header">
        <div className="app-bar">
          <a className="brand" href="/console/">
            Lethe
          </a>
          <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
            {m.menu}
          </button>
          <div className="who">
            <span>{fmt(m.signedInAs, { name: session.name })}</span>
            <span className="muted"> · {fmt(m.roles, { roles: session.roles.join(', ') })}</span>
            <button type="button" className="button button-secondary button-small" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
              {m.signOut}
            </button>
          </div>
        </div>
        <nav id="main-nav" aria-label={m.mainNavigation} className={menuOpen ? 'main-nav open' : 'main-nav'}>
          {groups.map((group) => (
            <div className="nav-group" key={group.label}>
              <p className="nav-group-label">{group.label}</p>
              <ul>
                {group.items.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} end={item.to === '/'}>
                      {item.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <ProblemAlert error={signOut.error} />
        <Outlet />
      </main>
    </>
  );
}
