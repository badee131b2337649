import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function CalculatorPage() {
  return (
    <Page title={messages.common.nav.calculator ?? 'Calculator'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
