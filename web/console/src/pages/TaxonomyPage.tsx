import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { hasRole, useSession } from '../session';
import { Badge } from '../ui/Badge';
import { Checkbox, fieldErrors, TextArea, TextField } from '../ui/Field';
import { QueryView } from '../ui/Loading';
import { Page, Section } from '../ui/Page';
import { Notice, ProblemAlert } from '../ui/Problem';
import { CATEGORIES_KEY, type DataCategory, useAllCategories } from './admin/categories';
import { TableWrap } from '../ui/TableWrap';
import { useFocusOnMount, useFocusReturn } from '../ui/focus';

const m = messages.admin.taxonomy;

/** Add a category (no `category`) or change one: title, description, the special flag. */
function CategoryForm({ category, onDone, onCancel }: { category?: DataCategory; onDone: (key: string) => void; onCancel?: () => void }) {
  const client = useQueryClient();
  const [key, setKey] = useState('');
  const [title, setTitle] = useState(category?.title ?? '');
  const [description, setDescription] = useState(category?.description ?? '');
  const [special, setSpecial] = useState(category?.special ?? false);
  const save = useMutation({
    mutationFn: () =>
      category
        ? ensure(api.PATCH('/v1/register/data-categories/{key}', { params: { path: { key: category.key } }, body: { title: title.trim(), description: description.trim(), special } }))
        : ensure(api.POST('/v1/register/data-categories', { body: { key: key.trim(), title: title.trim(), description: description.trim() || undefined, special } })),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: CATEGORIES_KEY });
      if (!category) {
        setKey('');
        setTitle('');
        setDescription('');
        setSpecial(false);
      }
      onDone(saved.key);
    },
  });
  const errors = fieldErrors(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="card" onSubmit={submit} noValidate>
      {category ? null : (
        <TextField label={m.key} hint={m.keyHint} error={errors.key} required maxLength={64} value={key} onChange={(e) => setKey(e.target.value)} autoComplete="off" spellCheck={false} />
      )}
      <TextField label={m.titleField} error={errors.title} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      <TextArea label={m.description} error={errors.description} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
      <Checkbox label={m.specialField} hint={m.specialHint} checked={special} onChange={(e) => setSpecial(e.target.checked)} />
      <ProblemAlert error={save.error} />
      <div className="row">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {category ? m.save : m.add}
        </button>
        {onCancel ? (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {messages.common.cancel}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** The edit form's heading: it takes focus when the form opens in place of the row. */
function EditHeading({ children }: { children: string }) {
  const ref = useFocusOnMount<HTMLHeadingElement>();
  return (
    <h3 tabIndex={-1} ref={ref}>
      {children}
    </h3>
  );
}

/** The data-category taxonomy, special categories marked in words; admins and counsel change it. */
export function TaxonomyPage() {
  const session = useSession();
  const canEdit = hasRole(session, 'admin', 'counsel');
  const categories = useAllCategories();
  const [editing, setEditing] = useState<string | null>(null);
  const [said, setSaid] = useState<{ text: string; focus: boolean } | null>(null);
  const focusBack = useFocusReturn();
  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      {canEdit ? null : <p className="alert alert-info">{m.readOnly}</p>}
      {said ? (
        <Notice key={said.text} takeFocus={said.focus}>
          {said.text}
        </Notice>
      ) : null}
      <QueryView query={categories}>
        {(items) =>
          items.length === 0 ? (
            <p>{m.none}</p>
          ) : (
            <TableWrap className="table-scroll" label={m.caption}>
              <table>
                <caption>{m.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{m.colKey}</th>
                    <th scope="col">{m.colTitle}</th>
                    <th scope="col">{m.colDescription}</th>
                    <th scope="col">{m.colKind}</th>
                    {canEdit ? <th scope="col">{m.colActions}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) =>
                    editing === c.key ? (
                      <tr key={c.key}>
                        <td colSpan={canEdit ? 5 : 4}>
                          <EditHeading>{fmt(m.editTitle, { key: c.key })}</EditHeading>
                          <CategoryForm
                            category={c}
                            onCancel={() => {
                              // Back to this row's Edit button; after saving, to the notice that says so.
                              focusBack.request(c.key);
                              setEditing(null);
                            }}
                            onDone={(key) => {
                              setEditing(null);
                              setSaid({ text: fmt(m.saved, { key }), focus: true });
                            }}
                          />
                        </td>
                      </tr>
                    ) : (
                      <tr key={c.key} className={c.special ? 'row-warn' : undefined}>
                        <td>
                          <code className="nowrap">{c.key}</code>
                        </td>
                        <td>{c.title}</td>
                        <td>{c.description || '—'}</td>
                        <td>{c.special ? <Badge tone="warn">{m.special}</Badge> : <span className="muted">{m.ordinary}</span>}</td>
                        {canEdit ? (
                          <td>
                            <button
                              type="button"
                              className="button button-secondary"
                              ref={focusBack.ref(c.key)}
                              onClick={() => {
                                setSaid(null);
                                setEditing(c.key);
                              }}
                            >
                              {m.edit}
                              <span className="visually-hidden"> {c.key}</span>
                            </button>
                          </td>
                        ) : null}
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </QueryView>
      {canEdit ? (
        <Section title={m.addTitle}>
          <CategoryForm onDone={(key) => setSaid({ text: fmt(m.added, { key }), focus: false })} />
        </Section>
      ) : null}
    </Page>
  );
}
