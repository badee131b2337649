import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ensure } from '../../../../shared/api';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { useSession } from '../../session';
import { Checkbox, SelectField } from '../../ui/Field';
import { type BoardFilters as Filters, hasFilters, JURISDICTIONS, OPEN_STATUSES, TYPES } from './filters';

const m = messages.counselBoard;
const b = m.board;

/** Filters that apply as they change; they live in the address bar, so a filtered board can be bookmarked. */
export function BoardFilters({ filters, onChange, onClear }: { filters: Filters; onChange: (change: Partial<Filters>) => void; onClear: () => void }) {
  // The address changes in a transition: the box shows the person's click at once, not a frame later.
  const [mine, setMine] = useState(filters.mine);
  useEffect(() => setMine(filters.mine), [filters.mine]);
  const session = useSession();
  const assignees = useQuery({ queryKey: ['requests', 'assignees'], queryFn: () => ensure(api.GET('/v1/requests/assignees')), staleTime: 60_000 });
  const people = assignees.data?.items ?? [];
  return (
    <form className="board-filters" aria-label={b.filters} onSubmit={(e) => e.preventDefault()}>
      <SelectField
        label={b.status}
        value={filters.status ?? ''}
        onChange={(e) => onChange({ status: (e.target.value || undefined) as Filters['status'] })}
        options={[{ value: '', label: b.allOpen }, ...OPEN_STATUSES.map((s) => ({ value: s, label: m.statuses[s] ?? s }))]}
      />
      <SelectField
        label={b.type}
        value={filters.type ?? ''}
        onChange={(e) => onChange({ type: (e.target.value || undefined) as Filters['type'] })}
        options={[{ value: '', label: b.allTypes }, ...TYPES.map((t) => ({ value: t, label: m.types[t] ?? t }))]}
      />
      <SelectField
        label={b.jurisdiction}
        value={filters.jurisdiction ?? ''}
        onChange={(e) => onChange({ jurisdiction: (e.target.value || undefined) as Filters['jurisdiction'] })}
        options={[{ value: '', label: b.allJurisdictions }, ...JURISDICTIONS.map((j) => ({ value: j, label: m.jurisdictions[j] ?? j }))]}
      />
      <SelectField
        label={b.assignee}
        value={filters.assignee ?? ''}
        onChange={(e) => onChange({ assignee: e.target.value || undefined })}
        options={[{ value: '', label: b.everyone }, ...people.map((p) => ({ value: p.ref, label: p.email }))]}
      />
      {session.email ? (
        <Checkbox label={b.mine} hint={fmt(b.mineHint, { email: session.email })} checked={mine} onChange={(e) => { setMine(e.target.checked); onChange({ mine: e.target.checked }); }} />
      ) : null}
      {hasFilters(filters) ? (
        <p className="board-filters-clear">
          <button type="button" className="button button-secondary" onClick={onClear}>
            {b.clearFilters}
          </button>
        </p>
      ) : null}
    </form>
  );
}
