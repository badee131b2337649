import { useState } from 'react';
import { type Schema } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Page, Section } from '../ui/Page';
import { Notice } from '../ui/Problem';
import { DeadLetters } from './admin/DeadLetters';
import { SecretBox } from './admin/SecretBox';
import { WebhookCreateForm } from './admin/WebhookCreateForm';
import { useWebhooks, WebhookList } from './admin/WebhookList';

const m = messages.admin.webhooks;

/** Webhook subscribers (create with the signing secret shown once, stop) and failed deliveries (re-drive). */
export function WebhooksPage() {
  const hooks = useWebhooks();
  const [created, setCreated] = useState<Schema<'CreatedWebhookDto'> | null>(null);
  const [stored, setStored] = useState<string | null>(null);
  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      {created ? (
        <SecretBox
          title={fmt(m.createdTitle, { url: created.url })}
          secret={created.secret}
          hint={m.createdHint}
          onDone={() => {
            // The secret is dropped; focus goes to the note that says where the subscriber is now.
            setStored(created.url);
            setCreated(null);
          }}
        />
      ) : null}
      {stored ? (
        <Notice key={stored} takeFocus>
          {fmt(m.storedNotice, { url: stored })}
        </Notice>
      ) : null}
      <Section title={m.listTitle}>
        <WebhookList hooks={hooks} />
      </Section>
      <Section title={m.deadTitle}>
        <p>{m.deadIntro}</p>
        <DeadLetters hooks={hooks} />
      </Section>
      <Section title={m.createTitle}>
        <WebhookCreateForm
          onCreated={(hook) => {
            setStored(null);
            setCreated(hook);
          }}
        />
      </Section>
    </Page>
  );
}
