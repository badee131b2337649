import { useState } from 'react';
import { type Schema } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Notice } from '../ui/Problem';
import { Page, Section } from '../ui/Page';
import { KeyCreateForm } from './admin/KeyCreateForm';
import { KeyList } from './admin/KeyList';
import { SecretBox } from './admin/SecretBox';

const m = messages.admin.keys;

/** API keys: create (the secret shown once), list, revoke with a confirmation step. */
export function KeysPage() {
  const [created, setCreated] = useState<Schema<'CreatedApiKeyDto'> | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const [stored, setStored] = useState<string | null>(null);
  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      {created ? (
        <SecretBox
          title={fmt(m.createdTitle, { name: created.name })}
          secret={created.key}
          onDone={() => {
            // The secret is dropped; focus goes to the note that says where the key is now.
            setStored(created.name);
            setCreated(null);
          }}
        />
      ) : null}
      {stored ? (
        <Notice key={stored} takeFocus>
          {fmt(m.storedNotice, { name: stored })}
        </Notice>
      ) : null}
      <Section title={m.createTitle}>
        <KeyCreateForm
          onCreated={(key) => {
            setRevoked(null);
            setStored(null);
            setCreated(key);
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
            setCreated(null);
            setStored(null);
            setRevoked(name);
          }}
        />
      </Section>
    </Page>
  );
}
