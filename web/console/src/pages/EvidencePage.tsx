import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function EvidencePage() {
  return (
    <Page title={messages.common.nav.evidence ?? 'Evidence'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
