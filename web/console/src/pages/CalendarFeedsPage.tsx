import { messages } from '../i18n';
import { Page } from '../ui/Page';

// Placeholder: being built.
export function CalendarFeedsPage() {
  return (
    <Page title={messages.common.nav.calendarFeeds ?? 'CalendarFeeds'}>
      <p>{messages.common.noneYet}</p>
    </Page>
  );
}
