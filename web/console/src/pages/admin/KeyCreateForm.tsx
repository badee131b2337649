import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure, type Schema } from '../../../../shared/api';
import { viewerTimeZone } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { Checkbox, fieldErrors, TextField } from '../../ui/Field';
import { ProblemAlert } from '../../ui/Problem';
import { localToIso } from './SecretBox';

const m = messages.admin.keys;
type Role = Schema<'CreateApiKeyDto'>['roles'][number];
export const ROLES: readonly Role[] = ['admin', 'counsel', 'auditor', 'iam'];

export function KeyCreateForm({ onCreated }: { onCreated: (key: Schema<'CreatedApiKeyDto'>) => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [expires, setExpires] = useState('');
  const create = useMutation({
    mutationFn: (body: Schema<'CreateApiKeyDto'>) => ensure(api.POST('/v1/api-keys', { body })),
    // The new key's secret must not linger in the mutation cache: dropped as soon as it is handed over.
    gcTime: 0,
    onSuccess: () => {
      setName('');
      setRoles([]);
      setExpires('');
      void client.invalidateQueries({ queryKey: ['admin', 'api-keys'] });
    },
  });
  const errors = fieldErrors(create.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), roles, expiresAt: localToIso(expires) },
      {
        onSuccess: (key) => {
          onCreated(key);
          create.reset();
        },
      },
    );
  };
  const toggle = (role: Role, on: boolean) => setRoles((now) => (on ? [...now, role] : now.filter((r) => r !== role)));
  return (
    <form className="card" onSubmit={submit} noValidate>
      <TextField label={m.name} hint={m.nameHint} error={errors.name} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      <fieldset aria-describedby={errors.roles ? 'key-roles-hint key-roles-error' : 'key-roles-hint'}>
        <legend>{m.rolesLegend}</legend>
        <p className="hint" id="key-roles-hint">
          {m.rolesHint}
        </p>
        {errors.roles ? (
          <p className="field-error" id="key-roles-error">
            {errors.roles}
          </p>
        ) : null}
        {ROLES.map((role) => (
          <Checkbox
            key={role}
            label={messages.admin.roles[role] ?? role}
            hint={messages.admin.roleCan[role]}
            name="roles"
            value={role}
            checked={roles.includes(role)}
            onChange={(e) => toggle(role, e.target.checked)}
          />
        ))}
      </fieldset>
      <TextField
        label={m.expiresAt}
        hint={fmt(m.expiresHint, { zone: viewerTimeZone() })}
        error={errors.expiresAt}
        type="datetime-local"
        value={expires}
        onChange={(e) => setExpires(e.target.value)}
      />
      <ProblemAlert error={create.error} />
      <button type="submit" className="button button-primary" disabled={create.isPending}>
        {create.isPending ? m.creating : m.create}
      </button>
    </form>
  );
}
