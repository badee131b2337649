import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { fmt, plural } from '../../../shared/i18n';
import { api, ensure, LetheProblem, type Schema, tokenFor } from '../api';
import { useCenter } from '../config';
import { useLocale } from '../i18n';
import { TextField } from '../ui/Field';
import { Notice, Page, Section } from '../ui/Page';
import { ProblemAlert } from '../ui/Problem';

type Status = Schema<'RequestStatusDto'>;
/** The request's status token, sent as the API's `requestToken` security scheme. */
const headers = (token: string) => ({ headers: { 'X-Request-Token': token } });

/** A requester follows their request: where it stands, what is theirs to do, their data, who was told. */
export function FollowPage() {
  const { id = '' } = useParams();
  const { m } = useLocale();
  const center = useCenter().data!;
  const token = tokenFor(id.toLowerCase());
  const status = useQuery({
    queryKey: ['status', id],
    queryFn: () => ensure(api.GET('/v1/requests/{id}/status', { params: { path: { id } }, ...headers(token!) })),
    enabled: token !== undefined,
    retry: (count, error) => !(error instanceof LetheProblem && error.status < 500) && count < 2,
    refetchInterval: (q) => (q.state.data && ['verified', 'awaiting_approval', 'in_progress'].includes(q.state.data.status) ? 15_000 : false),
  });
  if (!token) {
    return (
      <Page title={m.follow.title}>
        <Notice>{m.follow.noToken}</Notice>
      </Page>
    );
  }
  if (status.isPending) {
    return (
      <Page title={m.follow.title}>
        <p role="status">{m.common.loading}</p>
      </Page>
    );
  }
  if (status.isError) {
    return (
      <Page title={m.follow.title}>
        {status.error instanceof LetheProblem && status.error.status === 404 ? <Notice tone="warn">{fmt(m.follow.notFound, { contact: center.controller.contact })}</Notice> : <ProblemAlert error={status.error} />}
      </Page>
    );
  }
  return <FollowView request={status.data} token={token} />;
}

function FollowView({ request, token }: { request: Status; token: string }) {
  const { m, day, instant } = useLocale();
  // What the requester just did, said once where a screen reader hears it.
  const [said, say] = useState<string | null>(null);
  const right = m.rights[request.type];
  const open = !['completed', 'refused', 'withdrawn', 'expired_unverified'].includes(request.status);
  return (
    <Page title={fmt(m.follow.titleOf, { right: right.title })}>
      <dl className="facts card">
        <dt>{m.follow.status}</dt>
        <dd>
          <strong>{m.follow.statuses[request.status]}</strong>
        </dd>
        <dt>{m.follow.received}</dt>
        <dd>{instant(request.receivedAt)}</dd>
        {open && !request.pauseReason ? (
          <>
            <dt>{m.follow.dueOn}</dt>
            <dd>{day(request.dueOn)}</dd>
          </>
        ) : null}
        <dt>{m.follow.reference}</dt>
        <dd className="mono">{request.id}</dd>
      </dl>
      {said ? <Notice tone="ok">{said}</Notice> : null}
      <Clock request={request} />
      {open ? <Task request={request} token={token} onDone={say} /> : null}
      {request.refusal ? <Refusal refusal={request.refusal} /> : null}
      {request.type === 'access' || request.type === 'portability' ? <Download request={request} token={token} /> : null}
      {['rectification', 'erasure', 'restriction'].includes(request.type) && request.status === 'completed' ? <Recipients id={request.id} token={token} /> : null}
      <Section id="history" title={m.follow.timeline.heading}>
        <ol className="timeline">
          {request.timeline.map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <time dateTime={e.at}>{instant(e.at)}</time> {(m.follow.timeline.kinds as Record<string, string>)[e.kind] ?? m.follow.timeline.kinds.other}
            </li>
          ))}
        </ol>
      </Section>
      {open ? <Withdraw id={request.id} token={token} onDone={say} /> : null}
      {request.closedAt ? <p className="muted">{fmt(m.follow.closedOn, { date: instant(request.closedAt) })}</p> : null}
    </Page>
  );
}

/** Why the due date is what it is: paused, extended, or simply running. */
function Clock({ request }: { request: Status }) {
  const { m, day } = useLocale();
  if (request.pauseReason === 'identity' && request.pausedSince) return <p>{fmt(m.follow.pausedIdentity, { date: day(request.pausedSince) })}</p>;
  if (request.pauseReason === 'clarification' && request.pausedSince) return <Notice tone="warn">{fmt(m.follow.pausedClarification, { date: day(request.pausedSince) })}</Notice>;
  if (!request.extended) return null;
  return (
    <Notice>
      <p>{fmt(m.follow.extended, { from: day(request.originalDueOn), to: day(request.dueOn) })}</p>
      {request.extensionReason ? <p>{fmt(m.follow.extendedWhy, { reason: request.extensionReason })}</p> : null}
    </Notice>
  );
}

function Task({ request, token, onDone }: { request: Status; token: string; onDone: (said: string) => void }) {
  const { m } = useLocale();
  const center = useCenter().data!;
  const contact = center.controller.contact;
  return (
    <Section id="task" title={m.follow.tasks.heading}>
      {request.task === 'enter_code' && request.verification ? (
        <CodeEntry id={request.id} token={token} verification={request.verification} onDone={onDone} />
      ) : request.task ? (
        <p>{fmt(m.follow.tasks[request.task], { contact })}</p>
      ) : (
        <p>{m.follow.tasks.none}</p>
      )}
    </Section>
  );
}

function CodeEntry({ id, token, verification, onDone }: { id: string; token: string; verification: Schema<'VerificationStateDto'>; onDone: (said: string) => void }) {
  const { m, locale, day, instant } = useLocale();
  const client = useQueryClient();
  const [code, setCode] = useState('');
  const [resent, setResent] = useState(false);
  const verify = useMutation({
    mutationFn: (value: string) => ensure(api.POST('/v1/requests/{id}/verify', { params: { path: { id } }, ...headers(token), body: { code: value } })),
    onSuccess: (status) => {
      client.setQueryData(['status', id], status);
      onDone(m.follow.code.confirmed);
    },
    onError: () => void client.invalidateQueries({ queryKey: ['status', id] }),
  });
  const resend = useMutation({
    mutationFn: () => ensure(api.POST('/v1/requests/{id}/verification-code', { params: { path: { id } }, ...headers(token) })),
    onSuccess: () => setResent(true),
    onSettled: () => void client.invalidateQueries({ queryKey: ['status', id] }),
  });
  const wrong = verify.error instanceof LetheProblem && verify.error.status === 400 ? (verify.error.code === 'code_expired' ? m.follow.code.expired : m.follow.code.wrong) : undefined;
  const nextAt = verification.nextCodeAt ? new Date(verification.nextCodeAt) : null;
  const waitUntil = useNow(nextAt);

  function submit(event: FormEvent) {
    event.preventDefault();
    verify.mutate(code.replace(/\s+/g, ''));
  }
  return (
    <>
      <p>{m.follow.tasks.enter_code}</p>
      <form onSubmit={submit} className="code-form">
        {verify.isError && !wrong ? <ProblemAlert error={verify.error} /> : null}
        <TextField
          label={m.follow.code.label}
          hint={m.follow.code.hint}
          error={wrong ? `${wrong} ${plural(locale, verification.attemptsLeft, m.follow.code.attemptsLeft)}` : undefined}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="\s*[0-9\s]{6,12}\s*"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
          maxLength={12}
        />
        <button type="submit" className="button-primary" disabled={verify.isPending}>
          {verify.isPending ? m.follow.code.checking : m.follow.code.submit}
        </button>
      </form>
      {!wrong ? <p>{plural(locale, verification.attemptsLeft, m.follow.code.attemptsLeft)}</p> : null}
      {verification.codeExpiresAt ? <p className="muted">{fmt(m.follow.code.expiresAt, { time: instant(verification.codeExpiresAt) })}</p> : null}
      <div className="resend">
        {resent ? <Notice tone="ok">{m.follow.code.resent}</Notice> : null}
        {resend.isError ? <ProblemAlert error={resend.error} /> : null}
        {verification.codesLeftToday > 0 ? (
          <>
            <button type="button" className="button-secondary" disabled={resend.isPending || waitUntil} onClick={() => resend.mutate()}>
              {resend.isPending ? m.follow.code.resending : m.follow.code.resend}
            </button>
            {waitUntil && nextAt ? <p className="hint">{fmt(m.follow.code.nextAt, { time: instant(nextAt.toISOString()) })}</p> : null}
            <p className="hint">{plural(locale, verification.codesLeftToday, m.follow.code.leftToday)}</p>
          </>
        ) : (
          <p>{m.follow.code.noneToday}</p>
        )}
      </div>
      <p className="muted">{fmt(m.follow.code.closesOn, { date: day(verification.closesOn) })}</p>
    </>
  );
}

/** True until `until` passes (re-rendering then), false when there is nothing to wait for. */
function useNow(until: Date | null): boolean {
  const [, tick] = useState(0);
  const waiting = until !== null && until.getTime() > Date.now();
  useEffect(() => {
    if (!waiting || !until) return;
    const timer = window.setTimeout(() => tick((n) => n + 1), until.getTime() - Date.now() + 50);
    return () => window.clearTimeout(timer);
  }, [waiting, until?.getTime()]);
  return waiting;
}

function Refusal({ refusal }: { refusal: Schema<'RefusalViewDto'> }) {
  const { m } = useLocale();
  return (
    <Section id="decision" title={m.follow.refusal.heading}>
      <p>{m.follow.refusal.grounds[refusal.ground]}</p>
      {refusal.explanation ? <p>{fmt(m.follow.refusal.reasons, { text: refusal.explanation })}</p> : null}
      <p>{m.follow.refusal.rights}</p>
    </Section>
  );
}

function Download({ request, token }: { request: Status; token: string }) {
  const { m, instant } = useLocale();
  const link = useMutation({
    mutationFn: () => ensure(api.GET('/v1/requests/{id}/package/requester-link', { params: { path: { id: request.id } }, ...headers(token) })),
  });
  const anchor = useRef<HTMLAnchorElement>(null);
  useEffect(() => anchor.current?.focus(), [link.data]);
  const gone = link.error instanceof LetheProblem && (link.error.status === 409 || link.error.status === 404);
  return (
    <Section id="download" title={m.follow.download.heading}>
      {request.status !== 'completed' ? (
        <p>{m.follow.download.notYet}</p>
      ) : link.data ? (
        <>
          <p>
            <a ref={anchor} className="button-primary" href={link.data.url} download>
              {m.follow.download.link}
            </a>
          </p>
          <p className="hint">{fmt(m.follow.download.expires, { time: instant(link.data.expiresAt) })}</p>
          <p className="hint">{fmt(m.follow.download.downloads, { downloads: link.data.downloads, max: link.data.maxDownloads })}</p>
        </>
      ) : gone ? (
        <Notice tone="warn">{m.follow.download.gone}</Notice>
      ) : (
        <>
          <p>{m.follow.download.text}</p>
          {link.isError ? <ProblemAlert error={link.error} /> : null}
          <button type="button" className="button-primary" disabled={link.isPending} onClick={() => link.mutate()}>
            {link.isPending ? m.follow.download.getting : m.follow.download.get}
          </button>
        </>
      )}
    </Section>
  );
}

function Recipients({ id, token }: { id: string; token: string }) {
  const { m, instant } = useLocale();
  const list = useQuery({ queryKey: ['recipients', id], queryFn: () => ensure(api.GET('/v1/requests/{id}/recipients', { params: { path: { id } }, ...headers(token) })) });
  if (!list.data) return null;
  return (
    <Section id="recipients" title={m.follow.recipients.heading}>
      {list.data.recipients.length === 0 ? (
        <p>{m.follow.recipients.none}</p>
      ) : (
        <>
          <p>{m.follow.recipients.intro}</p>
          <ul>
            {list.data.recipients.map((r) => (
              <li key={r.recipient}>
                {r.recipient}: {r.notifiedAt ? fmt(m.follow.recipients.sentAt, { time: instant(r.notifiedAt) }) : m.follow.recipients.pending}
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

function Withdraw({ id, token, onDone }: { id: string; token: string; onDone: (said: string) => void }) {
  const { m } = useLocale();
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const question = useRef<HTMLParagraphElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) question.current?.focus();
  }, [asking]);
  const withdraw = useMutation({
    mutationFn: () => ensure(api.POST('/v1/requests/{id}/withdraw', { params: { path: { id } }, ...headers(token) })),
    onSuccess: (status) => {
      client.setQueryData(['status', id], status);
      onDone(m.follow.withdraw.done);
    },
  });
  return (
    <Section id="withdraw" title={m.follow.withdraw.heading}>
      <p>{m.follow.withdraw.text}</p>
      {withdraw.isError ? <ProblemAlert error={withdraw.error} /> : null}
      {asking ? (
        <div className="confirm card">
          <p tabIndex={-1} ref={question}>
            <strong>{m.follow.withdraw.confirm}</strong>
          </p>
          <div className="row">
            <button type="button" className="button-danger" disabled={withdraw.isPending} onClick={() => withdraw.mutate()}>
              {withdraw.isPending ? m.follow.withdraw.working : m.follow.withdraw.yes}
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => {
                setAsking(false);
                window.setTimeout(() => opener.current?.focus(), 0);
              }}
            >
              {m.common.cancel}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button-secondary" ref={opener} onClick={() => setAsking(true)}>
          {m.follow.withdraw.button}
        </button>
      )}
    </Section>
  );
}
