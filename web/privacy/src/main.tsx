import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LetheProblem, takeTokenFromAddress } from './api';
import { App } from './App';
import { LocaleProvider } from './i18n';
import './styles.css';

// Before anything renders or routes: the mailed link's token leaves the address bar and history.
takeTokenFromAddress();

// The controller's colours, computed by the server from LETHE_PRIVACY_ACCENT (a stylesheet: the CSP allows no inline style).
const theme = document.createElement('link');
theme.rel = 'stylesheet';
theme.href = '/privacy/theme.css';
document.head.append(theme);

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: (count, error) => !(error instanceof LetheProblem && error.status < 500) && count < 2, refetchOnWindowFocus: true } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <LocaleProvider>
        <App />
      </LocaleProvider>
    </QueryClientProvider>
  </StrictMode>,
);
