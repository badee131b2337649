import { useState } from 'react';
import { api, ensure, type Schema } from '../../../../shared/api';
import { formatDay } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { Section } from '../../ui/Page';
import { Notice, ProblemAlert } from '../../ui/Problem';
import { ActionForm } from './ActionForm';
import type { CounselAction, RequestDetail, Workflow } from './queries';

const m = messages.counselRequest;
const a = m.actions;

type Method = Schema<'ManualVerificationDto'>['method'];
type Ground = Schema<'RefuseDto'>['ground'];
const METHODS = Object.keys(m.methods) as Method[];
const GROUNDS = Object.keys(m.grounds) as Ground[];
const methodOptions = METHODS.map((value) => ({ value, label: m.methods[value]! }));
const groundOptions = GROUNDS.map((value) => ({ value, label: m.grounds[value]! }));

interface Outcome {
  action: CounselAction;
  error?: unknown;
}

/**
 * Every action the server says is allowed now (`allowedActions`), each as a form. After each call
 * the page refreshes; an error stays shown here even when the refreshed request no longer offers
 * the action (a 409 because someone else acted first).
 */
export function RequestActions({ request, workflow, refresh }: { request: RequestDetail; workflow: Workflow | undefined; refresh: () => Promise<void> }) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const allowed = new Set(request.allowedActions);
  const id = request.id;
  const path = { params: { path: { id } } };
  const settle = (action: CounselAction) => (result: { error: unknown } | { done: true }) => {
    setOutcome('error' in result ? { action, error: result.error } : { action });
    void refresh();
  };
  const orphanError = outcome?.error && !allowed.has(outcome.action) ? outcome.error : null;
  const waiting =
    request.status === 'awaiting_approval' && !allowed.has('approve')
      ? request.type === 'erasure'
        ? a.waitingDryRun
        : request.type === 'access'
          ? a.waitingPackage
          : null
      : null;
  const actionable = request.allowedActions.filter((x) => x !== 'add_note');
  return (
    <Section title={a.title}>
      {outcome && !outcome.error ? <Notice>{m.actionDone}</Notice> : null}
      <ProblemAlert error={orphanError} />
      {waiting ? <p className="alert alert-info">{waiting}</p> : null}
      {actionable.length === 0 ? <p className="muted">{a.none}</p> : null}
      <div className="actions-list">
        {allowed.has('verify') ? <VerifyForm id={id} onSettled={settle('verify')} /> : null}
        {allowed.has('unlock_verification') ? (
          <ActionForm title={a.unlock.title} intro={a.unlock.intro} submit={a.unlock.submit} run={() => ensure(api.POST('/v1/requests/{id}/verification/unlock', path))} onSettled={settle('unlock_verification')} />
        ) : null}
        {allowed.has('confirm_subject_id') ? <ConfirmSubjectIdForm id={id} onSettled={settle('confirm_subject_id')} /> : null}
        {allowed.has('link_subject_id') ? <LinkSubjectIdForm id={id} onSettled={settle('link_subject_id')} /> : null}
        {allowed.has('approve') ? <ApproveForm request={request} workflow={workflow} onSettled={settle('approve')} /> : null}
        {allowed.has('clarification_received') ? (
          <ActionForm
            title={a.clarified.title}
            intro={a.clarified.intro}
            submit={a.clarified.submit}
            open
            run={() => ensure(api.POST('/v1/requests/{id}/clarification-received', path))}
            onSettled={settle('clarification_received')}
          />
        ) : null}
        {allowed.has('complete') ? <CompleteForm id={id} onSettled={settle('complete')} /> : null}
        {allowed.has('ask_clarification') ? <ClarifyForm id={id} onSettled={settle('ask_clarification')} /> : null}
        {allowed.has('extend') ? <ExtendForm id={id} extendedDueOn={request.extendedDueOn} onSettled={settle('extend')} /> : null}
        {allowed.has('assign') ? <AssignForm id={id} onSettled={settle('assign')} /> : null}
        {allowed.has('lift_restriction') ? <LiftForm id={id} onSettled={settle('lift_restriction')} /> : null}
        {allowed.has('refuse') ? <RefuseForm id={id} onSettled={settle('refuse')} /> : null}
      </div>
    </Section>
  );
}

type Settled = (result: { error: unknown } | { done: true }) => void;

function VerifyForm({ id, onSettled }: { id: string; onSettled: Settled }) {
  const [method, setMethod] = useState<Method>('existing_account');
  const [note, setNote] = useState('');
  return (
    <ActionForm
      title={a.verify.title}
      intro={a.verify.intro}
      submit={a.verify.submit}
      open
      run={() => ensure(api.POST('/v1/requests/{id}/verification', { params: { path: { id } }, body: { method, note } }))}
      onSettled={onSettled}
    >
      {(errors) => (
        <>
          <SelectField label={a.verify.method} options={methodOptions} value={method} onChange={(e) => setMethod(e.target.value as Method)} error={errors.method} required />
          <TextArea label={a.verify.note} hint={a.verify.noteHint} value={note} onChange={(e) => setNote(e.target.value)} error={errors.note} required maxLength={1000} />
        </>
      )}
    </ActionForm>
  );
}

function ConfirmSubjectIdForm({ id, onSettled }: { id: string; onSettled: Settled }) {
  const [method, setMethod] = useState<Method>('existing_account');
  const [note, setNote] = useState('');
  return (
    <ActionForm
      title={a.confirmSubjectId.title}
      intro={a.confirmSubjectId.intro}
      submit={a.confirmSubjectId.submit}
      run={() => ensure(api.POST('/v1/requests/{id}/subject-id/confirm', { params: { path: { id } }, body: { method, note } }))}
      onSettled={onSettled}
    >
      {(errors) => (
        <>
          <SelectField label={a.confirmSubjectId.method} options={methodOptions} value={method} onChange={(e) => setMethod(e.target.value as Method)} error={errors.method} required />
          <TextArea label={a.confirmSubjectId.note} value={note} onChange={(e) => setNote(e.target.value)} error={errors.note} required maxLength={1000} />
        </>
      )}
    </ActionForm>
  );
}

function LinkSubjectIdForm({ id, onSettled }: { id: string; onSettled: Settled }) {
  const [subjectId, setSubjectId] = useState('');
  const [method, setMethod] = useState<Method>('existing_account');
  const [note, setNote] = useState('');
  return (
    <ActionForm
      title={a.linkSubjectId.title}
      intro={a.linkSubjectId.intro}
      submit={a.linkSubjectId.submit}
      run={() => ensure(api.POST('/v1/requests/{id}/subject-id/confirm', { params: { path: { id } }, body: { subjectId, method, note } }))}
      onSettled={onSettled}
    >
      {(errors) => (
        <>
          <TextField label={a.linkSubjectId.subjectId} hint={a.linkSubjectId.subjectIdHint} value={subjectId} onChange={(e) => setSubjectId(e.target.value)} error={errors.subjectId} required maxLength={200} autoComplete="off" spellCheck={false} />
          <SelectField label={a.linkSubjectId.method} options={methodOptions} value={method} onChange={(e) => setMethod(e.target.value as Method)} error={errors.method} required />
          <TextArea label={a.linkSubjectId.note} value={note} onChange={(e) => setNote(e.target.value)} error={errors.note} required maxLength={1000} />
        </>
      )}
    </ActionForm>
  );
}

function ApproveForm({ request, workflow, onSettled }: { request: RequestDetail; workflow: Workflow | undefined; onSettled: Settled }) {
  const erasure = request.type === 'erasure';
  const access = request.type === 'access' && (workflow?.steps.length ?? 0) > 0;
  return (
    <ActionForm
      title={a.approve.title}
      intro={erasure ? a.approve.introErasure : access ? a.approve.introAccess : a.approve.intro}
      submit={erasure ? a.approve.submitErasure : access ? a.approve.submitAccess : a.approve.submit}
      irreversible={erasure}
      danger={erasure}
      open
      run={() => ensure(api.POST('/v1/requests/{id}/approve', { params: { path: { id: request.id } } }))}
      onSettled={onSettled}
    />
  );
}

function CompleteForm({ id, onSettled }: { id: string; onSettled: Settled }) {
  const [outcome, setOutcome] = useState('');
  return (
    <ActionForm
      title={a.complete.title}
      intro={a.complete.intro}
      submit={a.complete.submit}
      irreversible
      run={() => ensure(api.POST('/v1/requests/{id}/complete', { params: { path: { id } }, body: { outcome } }))}
      onSettled={onSettled}
    >
      {(errors) => <TextArea label={a.complete.outcome} hint={a.complete.outcomeHint} value={outcome} onChange={(e) => setOutcome(e.target.value)} error={errors.outcome} required minLength={10} maxLength={4000} />}
    </ActionForm>
  );
}

function ClarifyForm({ id, onSettled }: { id: string; onSettled: Settled }) {
  const [message, setMessage] = useState('');
  return (
    <ActionForm
      title={a.clarify.title}
      intro={a.clarify.intro}
      submit={a.clarify.submit}
      run={() => ensure(api.POST('/v1/requests/{id}/clarification', { params: { path: { id } }, body: { message } }))}
      onSettled={onSettled}
    >
      {(errors) => <TextArea label={a.clarify.message} value={message} onChange={(e) => setMessage(e.target.value)} error={errors.message} required minLength={5} maxLength={5000} />}
    </ActionForm>
  );
}

function ExtendForm({ id, extendedDueOn, onSettled }: { id: string; extendedDueOn: string | null; onSettled: Settled }) {
  const [reason, setReason] = useState('');
  return (
    <ActionForm
      title={a.extend.title}
      intro={fmt(a.extend.intro, { day: formatDay(extendedDueOn) })}
      submit={a.extend.submit}
      run={() => ensure(api.POST('/v1/requests/{id}/extend', { params: { path: { id } }, body: { reason } }))}
      onSettled={onSettled}
    >
      {(errors) => <TextArea label={a.extend.reason} hint={a.extend.reasonHint} value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} required minLength={10} maxLength={2000} />}
    </ActionForm>
  );
}

function AssignForm({ id, onSettled }: { id: string; onSettled: Settled }) {
  const [email, setEmail] = useState('');
  return (
    <ActionForm
      title={a.assign.title}
      submit={a.assign.submit}
      run={() => ensure(api.POST('/v1/requests/{id}/assign', { params: { path: { id } }, body: { assigneeEmail: email } }))}
      onSettled={onSettled}
    >
      {(errors) => <TextField label={a.assign.email} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.assigneeEmail} required maxLength={254} />}
    </ActionForm>
  );
}

function LiftForm({ id, onSettled }: { id: string; onSettled: Settled }) {
  const [reason, setReason] = useState('');
  return (
    <ActionForm
      title={a.lift.title}
      intro={a.lift.intro}
      submit={a.lift.submit}
      run={() => ensure(api.POST('/v1/requests/{id}/restriction/lift', { params: { path: { id } }, body: { reason } }))}
      onSettled={onSettled}
    >
      {(errors) => <TextArea label={a.lift.reason} hint={a.lift.reasonHint} value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} required minLength={10} maxLength={2000} />}
    </ActionForm>
  );
}

function RefuseForm({ id, onSettled }: { id: string; onSettled: Settled }) {
  const [ground, setGround] = useState<Ground>('manifestly_unfounded');
  const [explanation, setExplanation] = useState('');
  return (
    <ActionForm
      title={a.refuse.title}
      intro={a.refuse.intro}
      submit={a.refuse.submit}
      irreversible
      danger
      run={() => ensure(api.POST('/v1/requests/{id}/refuse', { params: { path: { id } }, body: { ground, explanation } }))}
      onSettled={onSettled}
    >
      {(errors) => (
        <>
          <SelectField label={a.refuse.ground} options={groundOptions} value={ground} onChange={(e) => setGround(e.target.value as Ground)} error={errors.ground} required />
          <TextArea label={a.refuse.explanation} hint={a.refuse.explanationHint} value={explanation} onChange={(e) => setExplanation(e.target.value)} error={errors.explanation} required minLength={10} maxLength={5000} />
        </>
      )}
    </ActionForm>
  );
}
