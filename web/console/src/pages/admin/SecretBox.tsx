import { useEffect, useId, useRef, useState } from 'react';
import { messages } from '../../i18n';
import { CopyButton } from '../../ui/CopyButton';
import { Notice } from '../../ui/Problem';

const m = messages.admin.secret;

/**
 * A secret the API returns once (a new key, a webhook's signing secret): clearly marked, with a copy
 * button and the warning that it will not be shown again. It lives only in this component's state:
 * leaving the page or pressing "I have stored it" forgets it.
 */
export function SecretBox({ title, secret, hint, onDone }: { title: string; secret: string; hint?: string; onDone: () => void }) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="secret-box" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>
        {title}
      </h2>
      <p className="alert-title">{m.title}</p>
      <code className="secret" id={`${id}-secret`}>
        {secret}
      </code>
      <p>{m.notAgain}</p>
      {hint ? <p className="hint">{hint}</p> : null}
      <div className="row">
        <CopyButton value={secret} label={m.copy} />
        <button type="button" className="button button-primary" onClick={onDone}>
          {m.done}
        </button>
      </div>
    </section>
  );
}

/**
 * What was just created with a secret, for <SecretOnce>: `show` when the API answers, `clear` when
 * another action's notice takes over.
 */
export function useSecretOnce<T>() {
  const [created, setCreated] = useState<T | null>(null);
  const [stored, setStored] = useState<T | null>(null);
  return {
    created,
    stored,
    show: (value: T) => {
      setStored(null);
      setCreated(value);
    },
    /** "I have stored it": the secret is dropped, the note about where it is now replaces it. */
    done: () => {
      setStored(created);
      setCreated(null);
    },
    clear: () => {
      setCreated(null);
      setStored(null);
    },
  };
}

/** The secret box while there is a secret to show, then the note (which takes focus) once it is stored. */
export function SecretOnce<T>({
  state,
  title,
  secret,
  hint,
  storedNotice,
}: {
  state: ReturnType<typeof useSecretOnce<T>>;
  title: (created: T) => string;
  secret: (created: T) => string;
  hint?: string;
  storedNotice: (stored: T) => string;
}) {
  return (
    <>
      {state.created ? <SecretBox title={title(state.created)} secret={secret(state.created)} hint={hint} onDone={state.done} /> : null}
      {state.stored ? (
        <Notice key={storedNotice(state.stored)} takeFocus>
          {storedNotice(state.stored)}
        </Notice>
      ) : null}
    </>
  );
}

/** A `datetime-local` value (the viewer's wall clock) as an ISO instant, or undefined when empty. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
