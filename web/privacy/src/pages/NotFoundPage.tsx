import { Link } from 'react-router';
import { useLocale } from '../i18n';
import { Page } from '../ui/Page';

export function NotFoundPage() {
  const { m } = useLocale();
  return (
    <Page title={m.notFound.title}>
      <p>{m.notFound.text}</p>
      <p>
        <Link to="/">{m.notFound.back}</Link>
      </p>
    </Page>
  );
}
