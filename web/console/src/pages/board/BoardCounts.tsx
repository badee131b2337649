import type { Schema } from '../../../../shared/api';
import { messages } from '../../i18n';

const b = messages.counselBoard.board;

/** The board's counts under the current filters; the words say what each number is, colour only repeats it. */
export function BoardCounts({ counts }: { counts: Schema<'RequestCountsDto'> }) {
  const items = [
    { key: 'open', label: b.countOpen, value: counts.open, tone: 'neutral' },
    { key: 'overdue', label: b.countOverdue, value: counts.overdue, tone: counts.overdue > 0 ? 'danger' : 'neutral' },
    { key: 'soon', label: b.countDueThisWeek, value: counts.dueThisWeek, tone: counts.dueThisWeek > 0 ? 'warn' : 'neutral' },
    { key: 'paused', label: b.countPaused, value: counts.paused, tone: counts.paused > 0 ? 'info' : 'neutral' },
    { key: 'ack', label: b.countAcknowledgementDue, value: counts.acknowledgementDue, tone: counts.acknowledgementDue > 0 ? 'warn' : 'neutral' },
  ];
  return (
    <dl className="board-counts">
      {items.map((item) => (
        <div key={item.key} className={`board-count board-count-${item.tone}`}>
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
