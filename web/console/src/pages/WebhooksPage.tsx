import { type Schema } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Page, Section } from '../ui/Page';
import { DeadLetters } from './admin/DeadLetters';
import { SecretOnce, useSecretOnce } from './admin/SecretBox';
import { WebhookCreateForm } from './admin/WebhookCreateForm';
import { useWebhooks, WebhookList } from './admin/WebhookList';

const m = messages.admin.webhooks;

/** Webhook subscribers (create with the signing secret shown once, stop) and failed deliveries (re-drive). */
export function WebhooksPage() {
  const hooks = useWebhooks();
  const created = useSecretOnce<Schema<'CreatedWebhookDto'>>();
  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      <SecretOnce
        state={created}
        title={(hook) => fmt(m.createdTitle, { url: hook.url })}
        secret={(hook) => hook.secret}
        hint={m.createdHint}
        storedNotice={(hook) => fmt(m.storedNotice, { url: hook.url })}
      />
      <Section title={m.listTitle}>
        <WebhookList hooks={hooks} />
      </Section>
      <Section title={m.deadTitle}>
        <p>{m.deadIntro}</p>
        <DeadLetters hooks={hooks} />
      </Section>
      <Section title={m.createTitle}>
        <WebhookCreateForm onCreated={created.show} />
      </Section>
    </Page>
  );
}
