import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function BoardPage() {
  return (
    <Page title={messages.common.nav.board}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
