import { Link } from 'react-router';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Page } from '../ui/Page';

export function NotFoundPage() {
  return (
    <Page title={messages.common.notFoundTitle}>
      <p>{messages.common.notFoundBody}</p>
      <p>
        <Link to="/">{messages.common.backToStart}</Link>
      </p>
    </Page>
  );
}

/** A signed-in person whose roles (e.g. iam only) open no console page: said in words, not a blank page. */
export function NoPagesPage({ roles }: { roles: readonly string[] }) {
  return (
    <Page title={messages.common.noPagesTitle}>
      <p>{fmt(messages.common.noPagesBody, { roles: roles.join(', ') })}</p>
    </Page>
  );
}
