import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure, type Schema } from '../../../../shared/api';
import { formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { ConfirmStep } from '../../ui/Confirm';
import { fieldErrors, TextArea, TextField } from '../../ui/Field';
import { Notice as Done, ProblemAlert } from '../../ui/Problem';
import { useFocusReturn } from '../../ui/focus';

const m = messages.auditor.subprocessors;

type Subprocessor = Schema<'SubprocessorRecordDto'>;
type Notice = Schema<'SubprocessorNoticeDto'>;

function useRefresh() {
  const client = useQueryClient();
  return () => Promise.all([client.invalidateQueries({ queryKey: ['subprocessors'] }), client.invalidateQueries({ queryKey: ['audit'] })]);
}

/**
 * What an admin or counsel may do with a subprocessor in its state: activate once the objection window
 * has ended (admin), activate early with a reason (admin), offboard (admin, counsel).
 */
export function SubprocessorActions({ subprocessor: s, notice, canActivate, canOffboard }: { subprocessor: Subprocessor; notice: Notice | undefined; canActivate: boolean; canOffboard: boolean }) {
  const refresh = useRefresh();
  const [said, setSaid] = useState('');
  const [confirming, setConfirming] = useState(false);
  const focusBack = useFocusReturn();
  const [reason, setReason] = useState('');
  const activate = useMutation({
    mutationFn: () => ensure(api.POST('/v1/subprocessors/{id}/activate', { params: { path: { id: s.id } } })),
    onSuccess: async () => {
      setSaid(fmt(m.activated, { name: s.name }));
      await refresh();
    },
  });
  const override = useMutation({
    mutationFn: () => ensure(api.POST('/v1/subprocessors/{id}/override', { params: { path: { id: s.id } }, body: { reason } })),
    onSuccess: async () => {
      setSaid(fmt(m.activated, { name: s.name }));
      await refresh();
    },
  });
  const offboard = useMutation({
    mutationFn: () => ensure(api.POST('/v1/subprocessors/{id}/offboard', { params: { path: { id: s.id } } })),
    onSuccess: async () => {
      setConfirming(false);
      setSaid(fmt(m.offboarded, { name: s.name }));
      await refresh();
    },
  });
  const windowOpen = notice !== undefined && Date.parse(notice.objectionDeadline) > Date.now();
  const submitOverride = (event: FormEvent) => {
    event.preventDefault();
    override.mutate();
  };
  return (
    <div className="stack actions-cell">
      {/* The button pressed is gone once the state changes: focus goes to what happened. */}
      {said ? (
        <Done key={said} takeFocus>
          {said}
        </Done>
      ) : null}
      <ProblemAlert error={activate.error ?? offboard.error} />
      {canActivate && s.status === 'proposed' && !windowOpen ? (
        <button type="button" className="button button-primary button-small" disabled={activate.isPending} onClick={() => activate.mutate()}>
          {fmt(m.activate, { name: s.name })}
        </button>
      ) : null}
      {canActivate && s.status === 'proposed' && windowOpen ? (
        <form onSubmit={submitOverride} noValidate>
          <fieldset>
            <legend>{fmt(m.overrideLegend, { name: s.name })}</legend>
            <p className="hint">{fmt(m.windowOpenUntil, { when: formatInstant(notice!.objectionDeadline) })}</p>
            <TextArea
              label={m.overrideReasonLabel}
              hint={m.overrideReasonHint}
              error={fieldErrors(override.error).reason}
              required
              minLength={10}
              maxLength={2000}
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <ProblemAlert error={override.error} />
            <button type="submit" className="button button-primary button-small" disabled={override.isPending}>
              {m.overrideSubmit}
            </button>
          </fieldset>
        </form>
      ) : null}
      {canOffboard && s.status !== 'offboarded' ? (
        confirming ? (
          <ConfirmStep
            question={fmt(m.confirmOffboard, { name: s.name })}
            confirmLabel={m.confirmYes}
            busy={offboard.isPending}
            onConfirm={() => offboard.mutate()}
            onCancel={() => {
              focusBack.request('offboard');
              setConfirming(false);
            }}
            small
          />
        ) : (
          <button type="button" className="button button-secondary button-small" ref={focusBack.ref('offboard')} onClick={() => setConfirming(true)}>
            {fmt(m.offboard, { name: s.name })}
          </button>
        )
      ) : null}
    </div>
  );
}

/** Records a customer's objection against an open notice (admin, counsel). */
export function ObjectionForm({ notice }: { notice: Notice }) {
  const refresh = useRefresh();
  const [customer, setCustomer] = useState('');
  const [reason, setReason] = useState('');
  const [said, setSaid] = useState('');
  const object = useMutation({
    mutationFn: () => ensure(api.POST('/v1/subprocessor-notices/{id}/objections', { params: { path: { id: notice.id } }, body: { customer, reason } })),
    onSuccess: async (recorded) => {
      setSaid(fmt(m.objectionRecorded, { customer: recorded.customer }));
      setCustomer('');
      setReason('');
      await refresh();
    },
  });
  const errors = fieldErrors(object.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    object.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend>{m.objectionLegend}</legend>
        {said ? <Done>{said}</Done> : null}
        <TextField label={m.objectionCustomer} error={errors.customer} required maxLength={200} value={customer} onChange={(e) => setCustomer(e.target.value)} />
        <TextArea label={m.objectionReason} error={errors.reason} required maxLength={5000} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
        <ProblemAlert error={object.error} />
        <button type="submit" className="button button-primary" disabled={object.isPending}>
          {m.objectionSubmit}
        </button>
      </fieldset>
    </form>
  );
}
