import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function PurposesPage() {
  return (
    <Page title={messages.common.nav.purposes ?? 'Purposes'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
