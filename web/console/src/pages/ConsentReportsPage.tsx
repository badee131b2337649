import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function ConsentReportsPage() {
  return (
    <Page title={messages.common.nav.consentReports ?? 'ConsentReports'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
