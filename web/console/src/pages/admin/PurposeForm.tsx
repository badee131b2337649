import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { api, ensure, type Schema } from '../../../../shared/api';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { Checkbox, fieldErrors, SelectField, TextArea, TextField } from '../../ui/Field';
import { Notice, ProblemAlert } from '../../ui/Problem';
import { useAllCategories } from './categories';

const m = messages.admin.purposes;
type Purpose = Schema<'PurposeDto'>;
type Basis = Purpose['lawfulBasis'];
type Condition = NonNullable<Purpose['specialCategoryCondition']>;

export const BASES = Object.keys(messages.admin.lawfulBasis) as Basis[];
const CONDITIONS = Object.keys(messages.admin.specialCondition) as Condition[];

interface Draft {
  key: string;
  title: string;
  description: string;
  lawfulBasis: Basis;
  specialCategoryCondition: Condition | '';
  dataCategories: string[];
  retention: string;
  optOutSignal: boolean;
}

function draftOf(purpose?: Purpose): Draft {
  return {
    key: purpose?.key ?? '',
    title: purpose?.title ?? '',
    description: purpose?.description ?? '',
    lawfulBasis: purpose?.lawfulBasis ?? 'consent',
    specialCategoryCondition: purpose?.specialCategoryCondition ?? '',
    dataCategories: purpose?.dataCategories ?? [],
    retention: purpose?.retention ?? '',
    optOutSignal: purpose?.optOutSignal ?? false,
  };
}

/** The fields of an edit that differ from the purpose as it is. */
function changes(purpose: Purpose, draft: Draft): Schema<'UpdatePurposeDto'> {
  const out: Schema<'UpdatePurposeDto'> = {};
  if (draft.title !== purpose.title) out.title = draft.title;
  if (draft.description !== purpose.description) out.description = draft.description;
  if (draft.lawfulBasis !== purpose.lawfulBasis) out.lawfulBasis = draft.lawfulBasis;
  if ((draft.specialCategoryCondition || null) !== purpose.specialCategoryCondition) out.specialCategoryCondition = draft.specialCategoryCondition || null;
  if ([...draft.dataCategories].sort().join() !== [...purpose.dataCategories].sort().join()) out.dataCategories = draft.dataCategories;
  if (draft.retention !== purpose.retention) out.retention = draft.retention;
  if (draft.optOutSignal !== purpose.optOutSignal) out.optOutSignal = draft.optOutSignal;
  return out;
}

/** Create a purpose (no `purpose`) or change one: every field the API takes. */
export function PurposeForm({ purpose, onDone }: { purpose?: Purpose; onDone: (saved: Purpose) => void }) {
  const formId = useId();
  const client = useQueryClient();
  const categories = useAllCategories();
  const [draft, setDraft] = useState<Draft>(() => draftOf(purpose));
  const [unchanged, setUnchanged] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setUnchanged(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const save = useMutation({
    mutationFn: async (d: Draft): Promise<Purpose> => {
      if (!purpose) {
        return ensure(
          api.POST('/v1/purposes', {
            body: { ...d, key: d.key.trim(), specialCategoryCondition: d.specialCategoryCondition || null },
          }),
        );
      }
      return ensure(api.PATCH('/v1/purposes/{key}', { params: { path: { key: purpose.key } }, body: changes(purpose, d) }));
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: ['purposes'] });
      void client.invalidateQueries({ queryKey: ['admin', 'purpose-templates'] });
      onDone(saved);
    },
  });
  const errors = fieldErrors(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (purpose && Object.keys(changes(purpose, draft)).length === 0) {
      setUnchanged(true);
      return;
    }
    save.mutate(draft);
  };
  const known = categories.data ?? [];
  const extra = draft.dataCategories.filter((k) => !known.some((c) => c.key === k)).map((key) => ({ key, title: key, special: false }));
  return (
    <form className="card" onSubmit={submit} noValidate>
      {purpose ? null : (
        <TextField label={m.key} hint={m.keyHint} error={errors.key} required maxLength={64} value={draft.key} onChange={(e) => set('key', e.target.value)} autoComplete="off" spellCheck={false} />
      )}
      <TextField label={m.titleField} error={errors.title} required maxLength={200} value={draft.title} onChange={(e) => set('title', e.target.value)} />
      <TextArea label={m.description} hint={m.descriptionHint} error={errors.description} required maxLength={5000} value={draft.description} onChange={(e) => set('description', e.target.value)} />
      <SelectField
        label={m.lawfulBasis}
        error={errors.lawfulBasis}
        required
        value={draft.lawfulBasis}
        onChange={(e) => set('lawfulBasis', e.target.value as Basis)}
        options={BASES.map((b) => ({ value: b, label: messages.admin.lawfulBasis[b] ?? b }))}
      />
      <SelectField
        label={m.special}
        hint={m.specialHint}
        error={errors.specialCategoryCondition}
        value={draft.specialCategoryCondition}
        onChange={(e) => set('specialCategoryCondition', e.target.value as Condition | '')}
        options={[{ value: '', label: m.specialNone }, ...CONDITIONS.map((c) => ({ value: c, label: messages.admin.specialCondition[c] ?? c }))]}
      />
      <fieldset aria-describedby={errors.dataCategories ? `${formId}-categories-hint ${formId}-categories-error` : `${formId}-categories-hint`}>
        <legend>{m.categoriesLegend}</legend>
        <p className="hint" id={`${formId}-categories-hint`}>
          {m.categoriesHint}
        </p>
        {errors.dataCategories ? (
          <p className="field-error" id={`${formId}-categories-error`}>
            {errors.dataCategories}
          </p>
        ) : null}
        <ProblemAlert error={categories.error} />
        <div className="check-grid">
          {[...known, ...extra].map((c) => (
            <Checkbox
              key={c.key}
              label={c.special ? fmt(messages.admin.dataStores.specialMark, { title: c.title }) : c.title}
              hint={c.key}
              checked={draft.dataCategories.includes(c.key)}
              onChange={(e) => set('dataCategories', e.target.checked ? [...draft.dataCategories, c.key] : draft.dataCategories.filter((k) => k !== c.key))}
            />
          ))}
        </div>
      </fieldset>
      <TextField label={m.retention} hint={m.retentionHint} error={errors.retention} required maxLength={500} value={draft.retention} onChange={(e) => set('retention', e.target.value)} />
      <Checkbox label={m.optOutSignal} hint={m.optOutSignalHint} checked={draft.optOutSignal} onChange={(e) => set('optOutSignal', e.target.checked)} />
      {unchanged ? <Notice>{m.noChanges}</Notice> : null}
      <ProblemAlert error={save.error} />
      <button type="submit" className="button button-primary" disabled={save.isPending}>
        {purpose ? m.save : m.create}
      </button>
    </form>
  );
}
