/** Request statistics for the evidence pack: a pure function of the rows and the instant. */
export interface RequestRow {
  type: string;
  jurisdiction: string;
  status: string;
  receivedAt: Date;
  closedAt: Date | null;
  dueAt: Date;
  extended: boolean;
  refusalGround: string | null;
}

export interface Stats {
  received: number;
  completed: number;
  completedOnTimePercent: number | null;
  medianDaysToComplete: number | null;
  overdue: number;
  extended: number;
  refusedByGround: Record<string, number>;
}

const OPEN = new Set(['received', 'awaiting_verification', 'verified', 'awaiting_approval', 'in_progress', 'paused_for_clarification']);

export function statistics(rows: RequestRow[], now: Date): Stats {
  const completed = rows.filter((r) => r.status === 'completed' && r.closedAt);
  const onTime = completed.filter((r) => r.closedAt!.getTime() <= r.dueAt.getTime()).length;
  const days = completed.map((r) => (r.closedAt!.getTime() - r.receivedAt.getTime()) / 86_400_000).sort((a, b) => a - b);
  const median = days.length === 0 ? null : days.length % 2 ? days[(days.length - 1) / 2]! : (days[days.length / 2 - 1]! + days[days.length / 2]!) / 2;
  const refusedByGround: Record<string, number> = {};
  for (const r of rows) if (r.status === 'refused' && r.refusalGround) refusedByGround[r.refusalGround] = (refusedByGround[r.refusalGround] ?? 0) + 1;
  return {
    received: rows.length,
    completed: completed.length,
    completedOnTimePercent: completed.length === 0 ? null : Math.round((onTime / completed.length) * 1000) / 10,
    medianDaysToComplete: median === null ? null : Math.round(median * 10) / 10,
    overdue: rows.filter((r) => OPEN.has(r.status) && r.dueAt.getTime() < now.getTime()).length,
    extended: rows.filter((r) => r.extended).length,
    refusedByGround,
  };
}

/** Overall, and by type and by jurisdiction. */
export function requestStatistics(rows: RequestRow[], now: Date) {
  const group = (key: (r: RequestRow) => string) => {
    const groups = new Map<string, RequestRow[]>();
    for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, statistics(v, now)]));
  };
  return { overall: statistics(rows, now), byType: group((r) => r.type), byJurisdiction: group((r) => r.jurisdiction) };
}
