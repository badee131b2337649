import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function KeysPage() {
  return (
    <Page title={messages.common.nav.keys ?? 'Keys'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
