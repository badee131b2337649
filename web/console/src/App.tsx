import { useMemo } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { Layout } from './Layout';
import { homeFor } from './nav';
import { AuditPage } from './pages/AuditPage';
import { BoardPage } from './pages/BoardPage';
import { CalculatorPage } from './pages/CalculatorPage';
import { CalendarFeedsPage } from './pages/CalendarFeedsPage';
import { ConsentReportsPage } from './pages/ConsentReportsPage';
import { DataStoresPage } from './pages/DataStoresPage';
import { EvidencePage } from './pages/EvidencePage';
import { KeysPage } from './pages/KeysPage';
import { NoPagesPage, NotFoundPage } from './pages/NotFoundPage';
import { PurposesPage } from './pages/PurposesPage';
import { RegisterPage } from './pages/RegisterPage';
import { RequestPage } from './pages/RequestPage';
import { SubprocessorsPage } from './pages/SubprocessorsPage';
import { TaxonomyPage } from './pages/TaxonomyPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { hasRole, type Session, SessionProvider } from './session';

/** The board for counsel; anyone else starts on the first page their roles open, or is told none opens. */
function Home({ session }: { session: Session }) {
  if (hasRole(session, 'counsel')) return <BoardPage />;
  const home = homeFor(session.roles);
  return home ? <Navigate to={home} replace /> : <NoPagesPage roles={session.roles} />;
}

function router(session: Session) {
  return createBrowserRouter(
    [
      {
        element: <Layout />,
        children: [
          { index: true, element: <Home session={session} /> },
          { path: 'requests/:id', element: <RequestPage /> },
          { path: 'calculator', element: <CalculatorPage /> },
          { path: 'calendar-feeds', element: <CalendarFeedsPage /> },
          { path: 'register', element: <RegisterPage /> },
          { path: 'subprocessors', element: <SubprocessorsPage /> },
          { path: 'audit', element: <AuditPage /> },
          { path: 'consent-reports', element: <ConsentReportsPage /> },
          { path: 'evidence', element: <EvidencePage /> },
          { path: 'keys', element: <KeysPage /> },
          { path: 'webhooks', element: <WebhooksPage /> },
          { path: 'purposes', element: <PurposesPage /> },
          { path: 'taxonomy', element: <TaxonomyPage /> },
          { path: 'data-stores', element: <DataStoresPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
    { basename: '/console' },
  );
}

export function SignedInApp({ session }: { session: Session }) {
  // One router per signed-in person: a refetched session (same person) keeps the page and its state.
  const current = useMemo(() => router(session), [session.actor, session.roles.join(',')]);
  return (
    <SessionProvider session={session}>
      <RouterProvider router={current} />
    </SessionProvider>
  );
}
