import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure } from '../../../../shared/api';
import { formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { useSession } from '../../session';
import { fieldErrors, TextArea } from '../../ui/Field';
import { QueryView } from '../../ui/Loading';
import { Section } from '../../ui/Page';
import { LoadMore } from '../../ui/Pager';
import { Notice, ProblemAlert } from '../../ui/Problem';
import { type RequestDetail, useTimeline } from './queries';

const m = messages.counselRequest;

/** Who did what and when, in words, from the request's audit entries (oldest first). */
export function TimelineSection({ id }: { id: string }) {
  const t = m.timeline;
  const timeline = useTimeline(id);
  return (
    <Section title={t.title}>
      <QueryView query={timeline}>
        {(data) => {
          const items = data.pages.flatMap((p) => p.items);
          if (items.length === 0) return <p className="muted">{t.none}</p>;
          return (
            <ol className="timeline">
              {items.map((item, index) => (
                <li key={`${item.at}:${item.action}:${index}`}>
                  <time dateTime={item.at}>{formatInstant(item.at)}</time>
                  <span className="timeline-summary">{item.summary}</span>
                  <span className="muted"> {fmt(t.by, { actor: item.actor })}</span>
                </li>
              ))}
            </ol>
          );
        }}
      </QueryView>
      <LoadMore hasNext={timeline.hasNextPage} loading={timeline.isFetchingNextPage} onMore={() => void timeline.fetchNextPage()} />
    </Section>
  );
}

export function NotesSection({ request, refresh }: { request: RequestDetail; refresh: () => Promise<void> }) {
  const n = m.notes;
  const session = useSession();
  const author = (actor: string) => (actor === session.actor ? n.you : actor.startsWith('user:') ? actor.slice(5) : fmt(n.apiKey, { id: actor.slice(0, 8) }));
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: () => ensure(api.POST('/v1/requests/{id}/notes', { params: { path: { id: request.id } }, body: { body } })),
    onSuccess: () => setBody(''),
    onSettled: () => refresh(),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  const errors = fieldErrors(add.error);
  return (
    <Section title={n.title}>
      {request.notes.length === 0 ? (
        <p className="muted">{n.none}</p>
      ) : (
        <ul className="notes">
          {request.notes.map((note) => (
            <li key={note.id} className="card">
              <p className="hint">{fmt(n.by, { at: formatInstant(note.at), author: author(note.author) })}</p>
              <p className="prewrap">{note.body}</p>
            </li>
          ))}
        </ul>
      )}
      {request.allowedActions.includes('add_note') ? (
        <form onSubmit={submit} className="card">
          <h3>{n.add}</h3>
          <TextArea label={n.body} hint={n.bodyHint} value={body} onChange={(e) => setBody(e.target.value)} error={errors.body} required maxLength={5000} />
          <ProblemAlert error={add.error} />
          {add.isSuccess ? <Notice>{n.added}</Notice> : null}
          <button type="submit" className="button button-primary" disabled={add.isPending || body.trim().length === 0}>
            {n.submit}
          </button>
        </form>
      ) : null}
    </Section>
  );
}
