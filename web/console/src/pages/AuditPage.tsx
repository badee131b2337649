import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function AuditPage() {
  return (
    <Page title={messages.common.nav.audit ?? 'Audit'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
