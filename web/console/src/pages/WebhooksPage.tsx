import { useState } from 'react';
import { type Schema } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Page, Section } from '../ui/Page';
import { DeadLetters } from './admin/DeadLetters';
import { SecretBox } from './admin/SecretBox';
import { WebhookCreateForm } from './admin/WebhookCreateForm';
import { useWebhooks, WebhookList } from './admin/WebhookList';

const m = messages.admin.webhooks;

/** Webhook subscribers (create with the signing secret shown once, stop) and failed deliveries (re-drive). */
export function WebhooksPage() {
  const hooks = useWebhooks();
  const [created, setCreated] = useState<Schema<'CreatedWebhookDto'> | null>(null);
  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      {created ? (
        <SecretBox title={fmt(m.createdTitle, { url: created.url })} secret={created.secret} hint={m.createdHint} onDone={() => setCreated(null)} />
      ) : null}
      <Section title={m.listTitle}>
        <WebhookList hooks={hooks} />
      </Section>
      <Section title={m.deadTitle}>
        <p>{m.deadIntro}</p>
        <DeadLetters hooks={hooks} />
      </Section>
      <Section title={m.createTitle}>
        <WebhookCreateForm onCreated={setCreated} />
      </Section>
    </Page>
  );
}
