import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function RegisterPage() {
  return (
    <Page title={messages.common.nav.register ?? 'Register'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
