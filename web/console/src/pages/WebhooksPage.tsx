import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function WebhooksPage() {
  return (
    <Page title={messages.common.nav.webhooks ?? 'Webhooks'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
