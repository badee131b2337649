import type { Schema } from '../../../../shared/api';
import { formatDay } from '../../../../shared/dates';
import { fmt, plural } from '../../../../shared/i18n';
import { locale, messages } from '../../i18n';
import { addDays } from './util';

const m = messages.auditor.consent;

type Row = Schema<'ConsentReportRowDto'>;

interface Day {
  date: string;
  granted: number;
  withdrawn: number;
}

/** Every day from `from` to `to`, with the purpose's counts (zero on days without events). */
export function daySeries(rows: readonly Row[], from: string, to: string): Day[] {
  const byDate = new Map<string, Day>();
  for (const r of rows) {
    const day = byDate.get(r.date) ?? { date: r.date, granted: 0, withdrawn: 0 };
    day.granted += r.granted;
    day.withdrawn += r.withdrawn;
    byDate.set(r.date, day);
  }
  const days: Day[] = [];
  for (let d = from; d <= to && days.length < 400; d = addDays(d, 1)) days.push(byDate.get(d) ?? { date: d, granted: 0, withdrawn: 0 });
  return days;
}

/**
 * One purpose's grants (bars above the line) and withdrawals (bars below), a bar per day. Hand-drawn
 * SVG, stretched to the width it is given; the labels are HTML so they stay readable on a phone.
 * The SVG is one image with a summary in words; the same numbers are in the table that follows.
 */
export function ConsentChart({ purpose, rows, from, to }: { purpose: string; rows: readonly Row[]; from: string; to: string }) {
  const days = daySeries(rows, from, to);
  const granted = days.reduce((n, d) => n + d.granted, 0);
  const withdrawn = days.reduce((n, d) => n + d.withdrawn, 0);
  const maxGranted = Math.max(0, ...days.map((d) => d.granted));
  const maxWithdrawn = Math.max(0, ...days.map((d) => d.withdrawn));
  const scale = Math.max(1, maxGranted, maxWithdrawn);
  const width = days.length;
  const half = 48;
  const summary = fmt(m.chartSummary, {
    purpose,
    grants: plural(locale, granted, m.grants),
    withdrawals: plural(locale, withdrawn, m.withdrawals),
    from: formatDay(from),
    to: formatDay(to),
    maxGranted,
    maxWithdrawn,
  });
  return (
    <div className="chart">
      <h3 className="chart-title">
        {purpose} <span className="muted">· {fmt(m.totals, { granted, withdrawn })}</span>
      </h3>
      <div className="chart-body">
        <p className="chart-axis chart-axis-top" aria-hidden="true">
          {fmt(m.axisMax, { n: scale })}
        </p>
        <svg className="chart-svg" role="img" aria-label={summary} viewBox={`0 0 ${width} 100`} preserveAspectRatio="none" focusable="false">
          {days.map((d, i) => (
            <g key={d.date}>
              {d.granted > 0 ? <rect className="bar-granted" x={i + 0.12} width={0.76} y={50 - (d.granted / scale) * half} height={(d.granted / scale) * half} /> : null}
              {d.withdrawn > 0 ? <rect className="bar-withdrawn" x={i + 0.12} width={0.76} y={50} height={(d.withdrawn / scale) * half} /> : null}
            </g>
          ))}
          <line className="chart-baseline" x1={0} x2={width} y1={50} y2={50} vectorEffect="non-scaling-stroke" />
        </svg>
        <p className="chart-axis chart-axis-bottom" aria-hidden="true">
          {fmt(m.axisMax, { n: scale })}
        </p>
        <p className="chart-dates" aria-hidden="true">
          <span>{formatDay(from)}</span>
          <span>{formatDay(to)}</span>
        </p>
      </div>
    </div>
  );
}
