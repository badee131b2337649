import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure, type Schema } from '../../../../shared/api';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { Badge } from '../../ui/Badge';
import { fieldErrors, TextField } from '../../ui/Field';
import { QueryView } from '../../ui/Loading';
import { ProblemAlert } from '../../ui/Problem';

const m = messages.admin.purposes;
type Template = Schema<'PurposeTemplateDto'>;
type Purpose = Schema<'PurposeDto'>;

function LoadTemplate({ template, onLoaded, onCancel }: { template: Template; onLoaded: (p: Purpose) => void; onCancel: () => void }) {
  const client = useQueryClient();
  const [key, setKey] = useState(template.key);
  const load = useMutation({
    mutationFn: () => ensure(api.POST('/v1/purpose-templates/{key}/load', { params: { path: { key: template.key } }, body: { key: key.trim() || undefined } })),
    onSuccess: (purpose) => {
      void client.invalidateQueries({ queryKey: ['purposes'] });
      void client.invalidateQueries({ queryKey: ['admin', 'purpose-templates'] });
      onLoaded(purpose);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    load.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <TextField label={m.templateKey} hint={m.keyHint} error={fieldErrors(load.error).key} value={key} onChange={(e) => setKey(e.target.value)} autoComplete="off" spellCheck={false} />
      <ProblemAlert error={load.error} />
      <div className="row">
        <button type="submit" className="button button-primary" disabled={load.isPending}>
          {m.loadTemplate}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {messages.common.cancel}
        </button>
      </div>
    </form>
  );
}

/** The templates Lethe ships; loading one creates an ordinary purpose. */
export function PurposeTemplates({ canEdit, onLoaded }: { canEdit: boolean; onLoaded: (p: Purpose) => void }) {
  const templates = useQuery({ queryKey: ['admin', 'purpose-templates'], queryFn: () => ensure(api.GET('/v1/purpose-templates')) });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <QueryView query={templates}>
      {(data) => (
        <ul className="card-list">
          {data.items.map((t) => (
            <li key={t.key} className="card">
              <h3>
                {t.title} {t.loaded ? <Badge tone="ok">{m.loaded}</Badge> : null}
              </h3>
              <p>{t.description}</p>
              <dl className="facts">
                <dt>{m.key}</dt>
                <dd>
                  <code>{t.key}</code>
                </dd>
                <dt>{m.lawfulBasis}</dt>
                <dd>{messages.admin.lawfulBasis[t.lawfulBasis] ?? t.lawfulBasis}</dd>
                <dt>{m.retention}</dt>
                <dd>{t.retention}</dd>
                <dt>{m.categoriesLegend}</dt>
                <dd>{t.dataCategories.join(', ')}</dd>
              </dl>
              <p className="hint">{fmt(m.templateNote, { note: t.note })}</p>
              {!canEdit ? null : open === t.key ? (
                <LoadTemplate
                  template={t}
                  onCancel={() => setOpen(null)}
                  onLoaded={(p) => {
                    setOpen(null);
                    onLoaded(p);
                  }}
                />
              ) : (
                <button type="button" className="button button-secondary" onClick={() => setOpen(t.key)}>
                  {m.useTemplate}
                  <span className="visually-hidden"> {t.title}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </QueryView>
  );
}
