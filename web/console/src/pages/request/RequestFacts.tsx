import { daysBetween, formatDay, formatInstant, viewerTimeZone } from '../../../../shared/dates';
import { fmt, plural } from '../../../../shared/i18n';
import { locale, messages } from '../../i18n';
import { Badge } from '../../ui/Badge';
import { Section } from '../../ui/Page';
import type { RequestDetail } from './queries';
import { TableWrap } from '../../ui/TableWrap';
import { word } from './words';

const m = messages.counselRequest;
const r = m.requester;
const c = m.clock;

const CLOSED = new Set(['completed', 'refused', 'withdrawn', 'expired_unverified']);

/** Who asked, how they proved it, and what they asked for. The email is shown here only, never put in a URL. */
export function RequesterSection({ request }: { request: RequestDetail }) {
  const standing = request.subjectIdStanding;
  return (
    <Section title={r.title}>
      <div className="card">
        <dl className="facts">
          <dt>{r.channel}</dt>
          <dd>{word(m.channels, request.channel)}</dd>
          <dt>{r.email}</dt>
          <dd>{request.email ?? <span className="muted">{r.none}</span>}</dd>
          <dt>{r.name}</dt>
          <dd>{request.name ?? <span className="muted">{r.none}</span>}</dd>
          <dt>{r.verification}</dt>
          <dd>
            {request.verifiedAt ? (
              <>
                <Badge tone="ok">{r.verified}</Badge> {fmt(r.verifiedBy, { method: verificationInWords(request.verificationMethod), at: formatInstant(request.verifiedAt) })}
              </>
            ) : (
              <Badge tone="warn">{r.notVerified}</Badge>
            )}
            {request.verificationLocked ? (
              <>
                {' '}
                <Badge tone="danger">{r.locked}</Badge>
              </>
            ) : null}
          </dd>
          {request.subjectId !== null ? (
            <>
              <dt>{r.subjectId}</dt>
              <dd>
                <code>{request.subjectId}</code>{' '}
                {standing.status === 'unproven' ? (
                  <Badge tone="warn">{r.subjectIdUnproven}</Badge>
                ) : (
                  <Badge tone="ok">{r.subjectIdProven}</Badge>
                )}
                {standing.status === 'proven' && standing.proof ? <p className="hint">{fmt(r.provenBy, { proof: proofInWords(standing.proof), at: formatInstant(standing.confirmedAt) })}</p> : null}
              </dd>
            </>
          ) : null}
          <dt>{r.jurisdiction}</dt>
          <dd>{request.jurisdiction}</dd>
          <dt>{r.assignee}</dt>
          <dd>{request.assigneeEmail ?? <span className="muted">{r.assigneeDefault}</span>}</dd>
          {request.refusalGround ? (
            <>
              <dt>{r.refusalGround}</dt>
              <dd>{word(m.grounds, request.refusalGround)}</dd>
            </>
          ) : null}
          {request.purposes.length > 0 ? (
            <>
              <dt>{r.purposes}</dt>
              <dd>{request.purposes.join(', ')}</dd>
            </>
          ) : null}
        </dl>
        {standing.status === 'unproven' && !CLOSED.has(request.status) ? <p className="alert alert-warn subject-warning">{r.unprovenExplain}</p> : null}
        {request.details ? (
          <>
            <h3>{r.details}</h3>
            <p className="prewrap">{request.details}</p>
          </>
        ) : null}
      </div>
      {request.changes?.length ? (
        <TableWrap label={r.changesCaption}>
          <table>
            <caption>{r.changesCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{r.field}</th>
                <th scope="col">{r.newValue}</th>
                <th scope="col">{r.note}</th>
              </tr>
            </thead>
            <tbody>
              {request.changes.map((change) => (
                <tr key={change.field}>
                  <td>
                    <code>{change.field}</code>
                  </td>
                  <td>{change.newValue}</td>
                  <td>{change.note ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </Section>
  );
}

const HOW = { ...m.methods, ...m.proofs };

/** `email_code`, `iam_token`, `manual:<method>`, `counsel:<method>` in words. */
function verificationInWords(method: string | null): string {
  return word(HOW, method?.replace(/^(manual|counsel):/, ''));
}
const proofInWords = verificationInWords;

/** The legal clock: the jurisdiction's dates, the viewer-time instant of the deadline, days left. */
export function ClockSection({ request }: { request: RequestDetail }) {
  const closed = CLOSED.has(request.status);
  const left = daysBetween(request.today, request.dueOn);
  return (
    <Section title={c.title}>
      <div className="card">
        <dl className="facts">
          <dt>{c.received}</dt>
          <dd>{formatInstant(request.receivedAt)}</dd>
          <dt>{c.started}</dt>
          <dd>{formatDay(request.clockStartedOn)}</dd>
          {request.acknowledgeBy ? (
            <>
              <dt>{c.acknowledgeBy}</dt>
              <dd>{formatDay(request.acknowledgeBy)}</dd>
            </>
          ) : null}
          <dt>{c.due}</dt>
          <dd>
            <strong>{fmt(c.dueInWords, { day: formatDay(request.dueOn), jurisdiction: request.jurisdiction, instant: formatInstant(request.dueAt), zone: viewerTimeZone() })}</strong>
            <br />
            {closed ? (
              <span className="muted">{c.closed}</span>
            ) : left > 0 ? (
              <Badge tone={left <= 7 ? 'warn' : 'info'}>{plural(locale, left, c.daysLeft)}</Badge>
            ) : left === 0 ? (
              <Badge tone="warn">{c.dueToday}</Badge>
            ) : (
              <Badge tone="danger">{plural(locale, -left, c.overdueBy)}</Badge>
            )}
          </dd>
          <dt>{c.extension}</dt>
          <dd>
            {request.extended
              ? fmt(c.extendedTo, { day: formatDay(request.extendedDueOn) })
              : closed
                ? '—'
                : request.extendedDueOn && request.extensionNoticeBy
                ? fmt(c.extensionPossible, { noticeBy: formatDay(request.extensionNoticeBy), day: formatDay(request.extendedDueOn) })
                : c.extensionNone}
          </dd>
          <dt>{c.pauses}</dt>
          <dd>
            {request.pauses.length === 0 && !request.pauseStartedOn ? (
              c.noPauses
            ) : (
              <ul className="plain-list">
                {request.pauses.map((p) => (
                  <li key={`${p.from}:${p.to}:${p.reason}`}>{fmt(c.pause, { from: formatDay(p.from), to: formatDay(p.to), reason: word(c.pauseReasons, p.reason) })}</li>
                ))}
                {request.pauseStartedOn ? <li>{fmt(c.pausedSince, { from: formatDay(request.pauseStartedOn), reason: word(c.pauseReasons, 'clarification') })}</li> : null}
              </ul>
            )}
          </dd>
        </dl>
      </div>
    </Section>
  );
}
