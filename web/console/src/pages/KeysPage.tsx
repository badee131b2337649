import { useState } from 'react';
import { type Schema } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Notice } from '../ui/Problem';
import { Page, Section } from '../ui/Page';
import { KeyCreateForm } from './admin/KeyCreateForm';
import { KeyList } from './admin/KeyList';
import { SecretOnce, useSecretOnce } from './admin/SecretBox';

const m = messages.admin.keys;

/** API keys: create (the secret shown once), list, revoke with a confirmation step. */
export function KeysPage() {
  const created = useSecretOnce<Schema<'CreatedApiKeyDto'>>();
  const [revoked, setRevoked] = useState<string | null>(null);
  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      <SecretOnce
        state={created}
        title={(key) => fmt(m.createdTitle, { name: key.name })}
        secret={(key) => key.key}
        storedNotice={(key) => fmt(m.storedNotice, { name: key.name })}
      />
      <Section title={m.createTitle}>
        <KeyCreateForm
          onCreated={(key) => {
            setRevoked(null);
            created.show(key);
          }}
        />
      </Section>
      <Section title={m.listTitle}>
        {revoked ? (
          <Notice key={revoked} takeFocus>
            {fmt(m.revokedNotice, { name: revoked })}
          </Notice>
        ) : null}
        <KeyList
          onRevoked={(name) => {
            created.clear();
            setRevoked(name);
          }}
        />
      </Section>
    </Page>
  );
}
