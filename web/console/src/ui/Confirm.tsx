import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { messages } from '../i18n';
import { useFocusOnMount } from './focus';
import { ProblemAlert } from './Problem';

interface StepText {
  question: string;
  detail?: string;
  confirmLabel: string;
  small?: boolean;
}

/**
 * The confirmation step of an action that cannot be undone, shown in place of the button that asked
 * for it. Its question takes focus when it opens (a screen reader hears what is asked, then Tab
 * reaches the two choices); a failure shows inside it. Cancelling is the caller's to handle, usually
 * by handing focus back to the button with `useFocusReturn`.
 */
export function ConfirmStep({
  question,
  detail,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onCancel,
  small = false,
}: StepText & {
  busy: boolean;
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const id = useId();
  const ref = useFocusOnMount<HTMLParagraphElement>();
  const size = small ? ' button-small' : '';
  return (
    <div className="confirm" role="group" aria-labelledby={`${id}-question`} aria-describedby={detail ? `${id}-detail` : undefined}>
      <p className="alert-title" id={`${id}-question`} tabIndex={-1} ref={ref}>
        {question}
      </p>
      {detail ? <p id={`${id}-detail`}>{detail}</p> : null}
      <ProblemAlert error={error} />
      <div className="row">
        <button type="button" className={`button button-danger${size}`} disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" className={`button button-secondary${size}`} onClick={onCancel}>
          {messages.common.cancel}
        </button>
      </div>
    </div>
  );
}

/**
 * A confirmation step for one API call: confirmed, it runs `action`, refreshes the queries under
 * `invalidate`, and reports `onDone(true)`; cancelled, `onDone(false)`.
 */
export function ConfirmAction({
  action,
  invalidate,
  onDone,
  ...text
}: StepText & { action: () => Promise<unknown>; invalidate: readonly unknown[]; onDone: (confirmed: boolean) => void }) {
  const client = useQueryClient();
  const run = useMutation({
    mutationFn: action,
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: invalidate });
      onDone(true);
    },
  });
  return <ConfirmStep {...text} busy={run.isPending} error={run.error} onConfirm={() => run.mutate()} onCancel={() => onDone(false)} />;
}
