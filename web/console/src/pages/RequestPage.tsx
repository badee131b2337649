import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function RequestPage() {
  return (
    <Page title={'Request'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
