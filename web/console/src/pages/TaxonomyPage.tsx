import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function TaxonomyPage() {
  return (
    <Page title={messages.common.nav.taxonomy ?? 'Taxonomy'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
