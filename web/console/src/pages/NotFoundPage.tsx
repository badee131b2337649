import { Link } from 'react-router';
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
