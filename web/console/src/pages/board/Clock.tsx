import type { Schema } from '../../../../shared/api';
import { formatDay, formatInstant, viewerTimeZone } from '../../../../shared/dates';
import { fmt, plural } from '../../../../shared/i18n';
import { locale, messages } from '../../i18n';
import { Badge } from '../../ui/Badge';

const m = messages.counselBoard;
const b = m.board;

type Summary = Schema<'RequestSummaryDto'>;

/** Read once: the viewer's zone does not change while the board is open. */
const VIEWER_ZONE = viewerTimeZone();

/** Within this many days a running clock is highlighted. */
export const DUE_SOON_DAYS = 7;

export type Urgency = 'overdue' | 'soon' | 'paused' | 'later';

/** How urgent a request is, from the server's count of days left (never the browser's clock). */
export function urgencyOf(r: Summary): Urgency {
  if (r.pausedSince !== null || r.pauseReason !== null) return 'paused';
  if (r.daysLeft === null) return 'later';
  if (r.daysLeft < 0) return 'overdue';
  return r.daysLeft <= DUE_SOON_DAYS ? 'soon' : 'later';
}

/** "Overdue by 3 days", "Due today", "Due in 2 days", "24 days left", or "Clock paused since …", in words and colour. */
export function TimeLeft({ request: r }: { request: Summary }) {
  const urgency = urgencyOf(r);
  if (urgency === 'paused') {
    return (
      <span className="time-left">
        <Badge tone="info">{b.clockPaused}</Badge>{' '}
        <span>{r.pausedSince ? fmt(b.pausedSince, { day: formatDay(r.pausedSince) }) : null}</span>
        {r.pauseReason ? <span className="muted"> ({b.pauseReasons[r.pauseReason]})</span> : null}
      </span>
    );
  }
  if (r.daysLeft === null) return <span className="muted">—</span>;
  const days = r.daysLeft;
  const label =
    days < 0 ? plural(locale, -days, b.overdueBy) : days === 0 ? b.dueToday : days <= DUE_SOON_DAYS ? plural(locale, days, b.dueIn) : plural(locale, days, b.daysLeft);
  const tone = urgency === 'overdue' ? 'danger' : urgency === 'soon' ? 'warn' : 'neutral';
  const working = r.workingDaysLeft !== null && r.workingDaysLeft !== days && days > 0 ? plural(locale, r.workingDaysLeft, b.workingDays) : null;
  return (
    <span className="time-left">
      <Badge tone={tone}>{label}</Badge>
      {working ? <span className="muted"> ({working})</span> : null}
    </span>
  );
}

/** The due date as the jurisdiction's calendar day, with the instant it ends in the viewer's time zone. */
export function DueDate({ request: r }: { request: Summary }) {
  return (
    <span className="due-date">
      <span className="due-day">{fmt(b.dueDay, { day: formatDay(r.dueOn), jurisdiction: r.jurisdiction })}</span>
      {r.extended ? (
        <>
          {' '}
          <Badge tone="info">{b.extended}</Badge>
        </>
      ) : null}
      <span className="muted due-instant">
        {urgencyOf(r) === 'paused' ? b.dueWillMove : fmt(b.dueInstant, { instant: formatInstant(r.dueAt), zone: VIEWER_ZONE })}
      </span>
    </span>
  );
}

/** CCPA: confirm receipt within 10 business days — shown only where the law asks for it. */
export function Acknowledgement({ request: r }: { request: Summary }) {
  if (r.acknowledgeBy === null || r.acknowledged === null)
    return (
      <span className="muted">
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">{b.notRequired}</span>
      </span>
    );
  if (r.acknowledged) return <Badge tone="ok">{b.acknowledged}</Badge>;
  return <Badge tone="warn">{fmt(b.acknowledgeBy, { day: formatDay(r.acknowledgeBy) })}</Badge>;
}
