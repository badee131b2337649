import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function DataStoresPage() {
  return (
    <Page title={messages.common.nav.dataStores ?? 'DataStores'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
