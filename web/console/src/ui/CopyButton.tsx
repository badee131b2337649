import { useState } from 'react';
import { messages } from '../i18n';

/** Copies a value (a new key's secret, a feed URL) and says so to screen readers. */
export function CopyButton({ value, label = messages.common.copy }: { value: string; label?: string }) {
  const [said, setSaid] = useState('');
  return (
    <>
      <button
        type="button"
        className="button button-secondary"
        onClick={() => {
          navigator.clipboard.writeText(value).then(
            () => setSaid(messages.common.copied),
            () => setSaid(messages.common.copyFailed),
          );
        }}
      >
        {label}
      </button>
      <span className="visually-hidden-live" role="status" aria-live="polite">
        {said}
      </span>
    </>
  );
}
