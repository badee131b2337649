import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure } from '../../../../shared/api';
import { formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { Badge, type Tone } from '../../ui/Badge';
import { Checkbox, fieldErrors, TextArea } from '../../ui/Field';
import { Section } from '../../ui/Page';
import { ProblemAlert } from '../../ui/Problem';
import type { RequestDetail, Step, Workflow } from './queries';
import { TableWrap } from '../../ui/TableWrap';
import { word } from './words';

const m = messages.counselRequest;
const w = m.workflow;

const STEP_TONE: Record<string, Tone> = { pending: 'neutral', running: 'info', succeeded: 'ok', failed: 'danger', waived: 'warn', cancelled: 'neutral' };

export const storeName = (id: string) => (id === '-' ? w.noStore : id);

/** The steps per data store, with retry and waive where the server allows them. */
export function WorkflowSection({ request, workflow, live, refresh }: { request: RequestDetail; workflow: Workflow; live: boolean; refresh: () => Promise<void> }) {
  const [waiving, setWaiving] = useState<string | null>(null);
  const retry = useMutation({
    mutationFn: (step: Step) => ensure(api.POST('/v1/requests/{id}/steps/{step}/{store}/retry', { params: { path: { id: request.id, step: step.step, store: step.storeId } } })),
    onSettled: () => refresh(),
  });
  const waivingStep = waiving ? workflow.steps.find((s) => s.key === waiving) : undefined;
  return (
    <Section title={w.title}>
      {live ? (
        <p className="muted" role="status">
          {w.live}
        </p>
      ) : null}
      {workflow.steps.length === 0 ? (
        <p className="muted">{w.none}</p>
      ) : (
        <TableWrap label={w.caption}>
          <table className="steps">
            <caption>{w.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{w.step}</th>
                <th scope="col">{w.store}</th>
                <th scope="col">{w.status}</th>
                <th scope="col">{w.tries}</th>
                <th scope="col">{w.lastError}</th>
                <th scope="col">{w.updated}</th>
                <th scope="col">{w.actions}</th>
              </tr>
            </thead>
            <tbody>
              {workflow.steps.map((step) => {
                const name = word(w.steps, step.step);
                const store = storeName(step.storeId);
                return (
                  <tr key={step.key} className={step.status === 'failed' ? 'row-danger' : undefined}>
                    <th scope="row">{name}</th>
                    <td>{store}</td>
                    <td>
                      <Badge tone={STEP_TONE[step.status]}>{word(w.statuses, step.status)}</Badge>
                    </td>
                    <td>{step.attempts}</td>
                    <td>{step.error ?? (step.waivedReason ? fmt(w.waived, { reason: step.waivedReason }) : '—')}</td>
                    <td>{formatInstant(step.updatedAt)}</td>
                    <td>
                      <div className="row">
                        {step.allowedActions.includes('retry') ? (
                          <button
                            type="button"
                            className="button button-secondary button-small"
                            aria-label={fmt(w.retryLabel, { step: name, store })}
                            disabled={retry.isPending}
                            onClick={() => retry.mutate(step)}
                          >
                            {w.retry}
                          </button>
                        ) : null}
                        {step.allowedActions.includes('waive') ? (
                          <button
                            type="button"
                            className="button button-secondary button-small"
                            aria-label={fmt(w.waiveTitle, { step: name, store })}
                            aria-expanded={waiving === step.key}
                            onClick={() => setWaiving(waiving === step.key ? null : step.key)}
                          >
                            {w.waive}
                          </button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      <ProblemAlert error={retry.error} />
      {waivingStep ? <WaiveForm request={request} step={waivingStep} onClose={() => setWaiving(null)} refresh={refresh} /> : null}
    </Section>
  );
}

function WaiveForm({ request, step, onClose, refresh }: { request: RequestDetail; step: Step; onClose: () => void; refresh: () => Promise<void> }) {
  const [reason, setReason] = useState('');
  const [understood, setUnderstood] = useState(false);
  const waive = useMutation({
    mutationFn: () => ensure(api.POST('/v1/requests/{id}/steps/{step}/{store}/waive', { params: { path: { id: request.id, step: step.step, store: step.storeId } }, body: { reason } })),
    onSuccess: () => onClose(),
    onSettled: () => refresh(),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    waive.mutate();
  };
  const errors = fieldErrors(waive.error);
  const title = fmt(w.waiveTitle, { step: word(w.steps, step.step), store: storeName(step.storeId) });
  return (
    <form className="card waive-form" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      <TextArea label={w.waiveReason} hint={w.waiveReasonHint} value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} required minLength={10} maxLength={2000} />
      <Checkbox label={m.actions.confirmLabel} checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
      <ProblemAlert error={waive.error} />
      <div className="row">
        <button type="submit" className="button button-danger" disabled={waive.isPending || !understood}>
          {w.waiveSubmit}
        </button>
        <button type="button" className="button button-secondary" onClick={onClose}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}
