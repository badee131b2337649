import { createBrowserRouter, RouterProvider } from 'react-router';
import { Layout } from './Layout';
import { ConsentsPage } from './pages/ConsentsPage';
import { FollowPage } from './pages/FollowPage';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RequestFormPage } from './pages/RequestFormPage';

const router = createBrowserRouter(
  [
    {
      element: <Layout />,
      children: [
        { index: true, element: <HomePage /> },
        { path: 'request/:type', element: <RequestFormPage /> },
        { path: 'requests/:id', element: <FollowPage /> },
        { path: 'consents', element: <ConsentsPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: '/privacy' },
);

export function App() {
  return <RouterProvider router={router} />;
}
