import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function SubprocessorsPage() {
  return (
    <Page title={messages.common.nav.subprocessors ?? 'Subprocessors'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
