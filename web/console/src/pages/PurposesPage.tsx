import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ensure, type Schema } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { hasRole, useSession } from '../session';
import { Badge } from '../ui/Badge';
import { QueryView } from '../ui/Loading';
import { Page, Section } from '../ui/Page';
import { Notice } from '../ui/Problem';
import { NoticeTable, PublishNoticeForm } from './admin/Notices';
import { PurposeForm } from './admin/PurposeForm';
import { PurposeTemplates } from './admin/PurposeTemplates';
import { TableWrap } from '../ui/TableWrap';

const m = messages.admin.purposes;
type Purpose = Schema<'PurposeDto'>;

function PurposeTable({ purposes }: { purposes: Purpose[] }) {
  if (purposes.length === 0) return <p>{m.none}</p>;
  return (
    <TableWrap className="table-scroll" label={m.caption}>
      <table>
        <caption>{m.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{m.colTitle}</th>
            <th scope="col">{m.colBasis}</th>
            <th scope="col">{m.colCategories}</th>
            <th scope="col">{m.colRetention}</th>
            <th scope="col">{m.colNotice}</th>
            <th scope="col">{m.colActions}</th>
          </tr>
        </thead>
        <tbody>
          {purposes.map((p) => (
            <tr key={p.key}>
              <td>
                {p.title}
                <br />
                <code className="muted nowrap">{p.key}</code>
              </td>
              <td>
                {messages.admin.lawfulBasis[p.lawfulBasis] ?? p.lawfulBasis}
                {p.specialCategoryCondition ? (
                  <>
                    <br />
                    <span className="muted">{messages.admin.specialCondition[p.specialCategoryCondition]}</span>
                  </>
                ) : null}
              </td>
              <td>{p.dataCategories.join(', ') || '—'}</td>
              <td>{p.retention}</td>
              <td>{p.currentNoticeVersion ?? <Badge tone="warn">{m.noNotice}</Badge>}</td>
              <td>
                <Link to={`?purpose=${encodeURIComponent(p.key)}`} className="button button-secondary">
                  {m.manage}
                  <span className="visually-hidden"> {p.title}</span>
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** One purpose: change it, its notice versions, publish a new one. */
function PurposeDetail({ purpose, canEdit, justAdded }: { purpose: Purpose; canEdit: boolean; justAdded: boolean }) {
  const [saved, setSaved] = useState(false);
  return (
    <Page title={fmt(m.detailTitle, { title: purpose.title })}>
      {justAdded ? <Notice>{fmt(m.created, { title: purpose.title })}</Notice> : null}
      <p>
        <Link to=".">{m.close}</Link>
      </p>
      <Section title={m.noticesTitle}>
        <NoticeTable purpose={purpose} />
      </Section>
      {canEdit ? (
        <>
          <Section title={m.publishTitle}>
            <PublishNoticeForm purpose={purpose} />
          </Section>
          <Section title={fmt(m.editTitle, { title: purpose.title })}>
            {saved ? <Notice>{fmt(m.saved, { title: purpose.title })}</Notice> : null}
            <PurposeForm key={purpose.updatedAt} purpose={purpose} onDone={() => setSaved(true)} />
          </Section>
        </>
      ) : null}
    </Page>
  );
}

/** Purposes of processing, their notice versions, and the templates to start from. */
export function PurposesPage() {
  const session = useSession();
  const canEdit = hasRole(session, 'admin', 'counsel');
  const [params, setParams] = useSearchParams();
  const selected = params.get('purpose');
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => ensure(api.GET('/v1/purposes')) });
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const select = (p: Purpose) => {
    setAdding(false);
    setAdded(p.key);
    setParams({ purpose: p.key });
  };
  if (selected) {
    const purpose = purposes.data?.items.find((p) => p.key === selected);
    return (
      <QueryView query={purposes}>
        {() =>
          purpose ? (
            <PurposeDetail purpose={purpose} canEdit={canEdit} justAdded={added === purpose.key} />
          ) : (
            <Page title={m.title}>
              <p>{m.notFound}</p>
              <p>
                <Link to=".">{m.close}</Link>
              </p>
            </Page>
          )
        }
      </QueryView>
    );
  }
  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      <Section
        title={m.listTitle}
        actions={
          canEdit && !adding ? (
            <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
              {m.add}
            </button>
          ) : null
        }
      >
        {adding ? (
          <div className="stack">
            <h3>{m.createTitle}</h3>
            <PurposeForm onDone={select} />
            <button type="button" className="button button-secondary" onClick={() => setAdding(false)}>
              {messages.common.cancel}
            </button>
          </div>
        ) : null}
        <QueryView query={purposes}>{(data) => <PurposeTable purposes={data.items} />}</QueryView>
      </Section>
      <Section title={m.templatesTitle}>
        <p>{m.templatesIntro}</p>
        <PurposeTemplates canEdit={canEdit} onLoaded={select} />
      </Section>
    </Page>
  );
}
