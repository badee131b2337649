import { Link } from 'react-router';
import type { Schema } from '../../../../shared/api';
import { formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { Acknowledgement, DueDate, TimeLeft, urgencyOf } from './Clock';
import { TableWrap } from '../../ui/TableWrap';

const m = messages.counselBoard;
const b = m.board;

type Summary = Schema<'RequestSummaryDto'>;

const ROW_CLASS = { overdue: 'row-danger', soon: 'row-warn', paused: 'row-paused', later: '' } as const;

function RequestLink({ request: r }: { request: Summary }) {
  return (
    <Link to={`/requests/${r.id}`} className="request-link">
      {fmt(b.requestLabel, { type: m.types[r.type] ?? r.type })} <span className="mono short-id">{r.id.slice(0, 8)}</span>
    </Link>
  );
}

function Assignee({ request: r }: { request: Summary }) {
  return r.assigneeEmail ? <span className="assignee">{r.assigneeEmail}</span> : <span className="muted">{b.unassigned}</span>;
}

/**
 * The rows twice over: a table on wide screens, a list of cards under 48rem (CSS shows one; the
 * other is display:none and so absent for screen readers too).
 */
export function BoardRows({ rows, caption }: { rows: Summary[]; caption: string }) {
  const showAck = rows.some((r) => r.acknowledgeBy !== null);
  return (
    <>
      <TableWrap label={caption} className="board-table">
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{b.col.request}</th>
              <th scope="col">{b.col.timeLeft}</th>
              <th scope="col">{b.col.due}</th>
              <th scope="col">{b.col.status}</th>
              <th scope="col">{b.col.jurisdiction}</th>
              <th scope="col">{b.col.received}</th>
              {showAck ? <th scope="col">{b.col.acknowledgement}</th> : null}
              <th scope="col">{b.col.assignee}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className={ROW_CLASS[urgencyOf(r)]}>
                <th scope="row">
                  <RequestLink request={r} />
                </th>
                <td>
                  <TimeLeft request={r} />
                </td>
                <td>
                  <DueDate request={r} />
                </td>
                <td>{m.statuses[r.status] ?? r.status}</td>
                <td>{m.jurisdictions[r.jurisdiction] ?? r.jurisdiction}</td>
                <td>{formatInstant(r.receivedAt)}</td>
                {showAck ? (
                  <td>
                    <Acknowledgement request={r} />
                  </td>
                ) : null}
                <td>
                  <Assignee request={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <ul className="board-cards" aria-label={caption}>
        {rows.map((r) => (
          <li key={r.id} className={`card board-card ${ROW_CLASS[urgencyOf(r)]}`}>
            <h3>
              <RequestLink request={r} />
            </h3>
            <p>
              <TimeLeft request={r} />
            </p>
            <dl className="facts">
              <dt>{b.col.due}</dt>
              <dd>
                <DueDate request={r} />
              </dd>
              <dt>{b.col.status}</dt>
              <dd>{m.statuses[r.status] ?? r.status}</dd>
              <dt>{b.col.jurisdiction}</dt>
              <dd>{m.jurisdictions[r.jurisdiction] ?? r.jurisdiction}</dd>
              <dt>{b.col.received}</dt>
              <dd>{formatInstant(r.receivedAt)}</dd>
              {r.acknowledgeBy !== null ? (
                <>
                  <dt>{b.col.acknowledgement}</dt>
                  <dd>
                    <Acknowledgement request={r} />
                  </dd>
                </>
              ) : null}
              <dt>{b.col.assignee}</dt>
              <dd>
                <Assignee request={r} />
              </dd>
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}
