import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { messages } from '../../i18n';
import { Checkbox, fieldErrors } from '../../ui/Field';
import { ProblemAlert } from '../../ui/Problem';

const m = messages.counselRequest;

export interface ActionFormProps {
  title: string;
  intro?: ReactNode;
  submit: string;
  /** Refuse, complete, waive, approve an erasure: the person ticks "I understand" first. */
  irreversible?: boolean;
  danger?: boolean;
  /** Opened at first (the one thing to do next). */
  open?: boolean;
  run: () => Promise<unknown>;
  /** After the call, whatever its outcome: the page refreshes its data. */
  onSettled: (outcome: { error: unknown } | { done: true }) => void;
  children?: (errors: Record<string, string>) => ReactNode;
}

/** One action on the request: a disclosure with its form, its own error in words, and a confirm step when it cannot be undone. */
export function ActionForm({ title, intro, submit, irreversible = false, danger = false, open = false, run, onSettled, children }: ActionFormProps) {
  const [understood, setUnderstood] = useState(false);
  const mutation = useMutation({
    mutationFn: run,
    onSuccess: () => onSettled({ done: true }),
    onError: (error) => onSettled({ error }),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  const errors = fieldErrors(mutation.error);
  return (
    <details className="action" open={open || undefined}>
      <summary>{title}</summary>
      <form onSubmit={onSubmit} className="action-body">
        {intro ? <p>{intro}</p> : null}
        {children?.(errors)}
        {irreversible ? <Checkbox label={m.actions.confirmLabel} checked={understood} onChange={(e) => setUnderstood(e.target.checked)} /> : null}
        <ProblemAlert error={mutation.error} />
        <button type="submit" className={danger ? 'button button-danger' : 'button button-primary'} disabled={mutation.isPending || (irreversible && !understood)}>
          {submit}
        </button>
      </form>
    </details>
  );
}
