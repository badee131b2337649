import { useMutation, useQuery } from '@tanstack/react-query';
import { api, ensure } from '../../../../shared/api';
import { formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { Badge, type Tone } from '../../ui/Badge';
import { CopyButton } from '../../ui/CopyButton';
import { Section } from '../../ui/Page';
import { Notice, ProblemAlert } from '../../ui/Problem';
import { type RequestDetail, requestKey, type Workflow } from './queries';
import { storeName } from './WorkflowSection';
import { TableWrap } from '../../ui/TableWrap';
import { formatBytes, word } from './words';

const m = messages.counselRequest;

/** The erasure dry run as a table: what approving will do, per store and table. */
export function PlanSection({ request, workflow }: { request: RequestDetail; workflow: Workflow }) {
  const p = m.plan;
  const planned = workflow.steps.some((s) => s.step === 'plan' && s.status === 'succeeded');
  if (request.type !== 'erasure' || !planned) return null;
  const erased = workflow.steps.some((s) => s.step === 'erase');
  return (
    <Section title={p.title}>
      <p>{erased ? p.after : p.intro}</p>
      {workflow.erasurePlan.length === 0 ? (
        <p className="muted">{p.none}</p>
      ) : (
        <TableWrap label={p.caption}>
          <table className="wide-last">
            <caption>{p.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{p.store}</th>
                <th scope="col">{p.table}</th>
                <th scope="col">{p.action}</th>
                <th scope="col">{p.rows}</th>
                <th scope="col">{p.detail}</th>
              </tr>
            </thead>
            <tbody>
              {workflow.erasurePlan.map((row) => (
                <tr key={`${row.storeId}:${row.table}`}>
                  <td>{storeName(row.storeId)}</td>
                  <td>
                    <code>{row.table}</code>
                  </td>
                  <td>
                    <Badge tone={row.action === 'retain' ? 'info' : row.action === 'delete' ? 'danger' : 'warn'}>{word(p.actions, row.action)}</Badge>
                  </td>
                  <td>{row.rows}</td>
                  <td>
                    {row.action === 'anonymise' && row.columns.length ? fmt(p.columns, { columns: row.columns.join(', ') }) : null}
                    {row.action === 'retain' ? fmt(p.retained, { ground: row.ground ?? '—', period: row.retainUntil ?? '—' }) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Section>
  );
}

export function CertificateSection({ request, workflow }: { request: RequestDetail; workflow: Workflow }) {
  const c = m.certificate;
  const cert = workflow.certificate;
  if (!cert) return null;
  return (
    <Section title={c.title}>
      <p>{fmt(c.intro, { at: formatInstant(cert.issuedAt) })}</p>
      <dl className="facts card">
        <dt>{c.sha256}</dt>
        <dd>
          <code>{cert.sha256}</code>
        </dd>
      </dl>
      <TableWrap label={c.caption}>
        <table>
          <caption>{c.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{c.store}</th>
              <th scope="col">{c.status}</th>
              <th scope="col">{c.erasedAt}</th>
              <th scope="col">{c.verifiedAt}</th>
            </tr>
          </thead>
          <tbody>
            {cert.stores.map((s) => (
              <tr key={s.id}>
                <td>{s.id}</td>
                <td>
                  <Badge tone={s.status === 'erased' ? 'ok' : 'warn'}>{word(c.statuses, s.status)}</Badge>
                  {s.waivedReason ? <p className="hint">{s.waivedReason}</p> : null}
                </td>
                <td>{formatInstant(s.erasedAt)}</td>
                <td>{formatInstant(s.verifiedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p>{fmt(c.consent, { n: cert.pseudonymisedConsentEvents })}</p>
      {cert.searchedByEmailOnly ? <p className="alert alert-warn">{c.emailOnly}</p> : null}
      <p>
        <a className="button button-secondary" href={`/v1/requests/${request.id}/certificate`} download>
          {c.download}
        </a>
      </p>
    </Section>
  );
}

/** The access or portability package: what it holds, its budget, and the requester's link once released. */
export function PackageSection({ request, workflow, refresh }: { request: RequestDetail; workflow: Workflow; refresh: () => Promise<void> }) {
  const p = m.package;
  if (request.type !== 'access' && request.type !== 'portability') return null;
  const pkg = workflow.package;
  const manifest = workflow.manifest;
  if (!pkg && !manifest && workflow.steps.length === 0) return null;
  return (
    <Section title={p.title}>
      <p>{p.intro}</p>
      {pkg ? (
        <dl className="facts card">
          <dt>{p.created}</dt>
          <dd>{formatInstant(pkg.createdAt)}</dd>
          <dt>{p.size}</dt>
          <dd>{formatBytes(pkg.bytes)}</dd>
          <dt>{p.sha256}</dt>
          <dd>
            <code>{pkg.sha256}</code>
          </dd>
          <dt>{p.expires}</dt>
          <dd>{pkg.deleted ? <Badge tone="neutral">{p.deleted}</Badge> : formatInstant(pkg.expiresAt)}</dd>
          <dt>{p.downloads}</dt>
          <dd>{fmt(p.downloadsOf, { n: pkg.downloads, max: pkg.maxDownloads })}</dd>
          <dt>{p.links}</dt>
          <dd>{pkg.links}</dd>
        </dl>
      ) : (
        <p className="muted">{p.notYet}</p>
      )}
      {manifest ? (
        <>
          <TableWrap label={p.storesCaption}>
            <table>
              <caption>{p.storesCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.store}</th>
                  <th scope="col">{p.storeStatus}</th>
                  <th scope="col">{p.table}</th>
                  <th scope="col">{p.rows}</th>
                </tr>
              </thead>
              <tbody>
                {manifest.stores.flatMap((s) =>
                  (s.tables.length ? s.tables : [{ table: '—', rows: 0 }]).map((t) => (
                    <tr key={`${s.id}:${t.table}`}>
                      <td>{s.id}</td>
                      <td>{word(p.storeStatuses, s.status)}</td>
                      <td>
                        <code>{t.table}</code>
                      </td>
                      <td>{t.rows}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </TableWrap>
          <TableWrap label={p.filesCaption}>
            <table>
              <caption>{p.filesCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.file}</th>
                  <th scope="col">{p.bytes}</th>
                </tr>
              </thead>
              <tbody>
                {manifest.files.map((f) => (
                  <tr key={f.name}>
                    <td>
                      <code>{f.name}</code>
                    </td>
                    <td>{formatBytes(f.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      ) : null}
      {pkg && !pkg.deleted && request.status === 'completed' ? <PackageLink id={request.id} refresh={refresh} /> : null}
    </Section>
  );
}

/** Showing the link is audited, so it is fetched when counsel asks for it, not with the page. */
function PackageLink({ id, refresh }: { id: string; refresh: () => Promise<void> }) {
  const p = m.package;
  const link = useQuery({
    queryKey: [...requestKey(id), 'package-link'],
    queryFn: () => ensure(api.GET('/v1/requests/{id}/package/link', { params: { path: { id } } })),
    enabled: false,
    staleTime: Infinity,
  });
  const resend = useMutation({
    mutationFn: () => ensure(api.POST('/v1/requests/{id}/package/link', { params: { path: { id } } })),
    onSettled: () => refresh(),
  });
  const shown = resend.data ?? link.data;
  return (
    <div className="card">
      <h3>{p.link}</h3>
      <p className="hint">{p.linkIntro}</p>
      {shown ? (
        <>
          <p>
            <code className="secret">{shown.url}</code>
          </p>
          <p>{fmt(p.linkFacts, { link: shown.link, expires: formatInstant(shown.expiresAt), downloads: shown.downloads, max: shown.maxDownloads })}</p>
          <p className="row">
            <CopyButton value={shown.url} label={p.copyLink} />
          </p>
        </>
      ) : (
        <p>
          <button type="button" className="button button-secondary" onClick={() => void link.refetch().then(refresh)} disabled={link.isFetching}>
            {p.showLink}
          </button>
        </p>
      )}
      <ProblemAlert error={link.error} />
      {resend.data ? <Notice>{resend.data.mailed === false ? p.resentNoEmail : p.resent}</Notice> : null}
      <ProblemAlert error={resend.error} />
      <p>
        <button type="button" className="button button-secondary" onClick={() => resend.mutate()} disabled={resend.isPending}>
          {p.resend}
        </button>
      </p>
      <p className="hint">{p.resendHint}</p>
    </div>
  );
}

const NOTICE_TONE: Record<string, Tone> = { queued: 'info', sent: 'ok', failed: 'danger', no_contact: 'warn' };

export function RecipientsSection({ request, workflow }: { request: RequestDetail; workflow: Workflow }) {
  const r = m.recipients;
  if (!['rectification', 'erasure', 'restriction'].includes(request.type)) return null;
  return (
    <Section title={r.title}>
      {workflow.recipients.length === 0 ? (
        <p className="muted">{r.none}</p>
      ) : (
        <TableWrap label={r.caption}>
          <table>
            <caption>{r.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{r.recipient}</th>
                <th scope="col">{r.action}</th>
                <th scope="col">{r.categories}</th>
                <th scope="col">{r.channel}</th>
                <th scope="col">{r.status}</th>
                <th scope="col">{r.when}</th>
              </tr>
            </thead>
            <tbody>
              {workflow.recipients.map((n) => (
                <tr key={`${n.action}:${n.recipient}`}>
                  <td>{n.recipient}</td>
                  <td>{word(m.types, n.action)}</td>
                  <td>{n.dataCategories.join(', ')}</td>
                  <td>{word(r.channels, n.channel)}</td>
                  <td>
                    <Badge tone={NOTICE_TONE[n.status]}>{word(r.statuses, n.status)}</Badge>
                  </td>
                  <td>{formatInstant(n.notifiedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Section>
  );
}
