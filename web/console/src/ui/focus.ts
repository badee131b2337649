import { useEffect, useRef } from 'react';

/**
 * Keyboard focus after a step closes (a confirmation cancelled, an edit form closed): the element
 * that opened it takes focus again when it reappears, instead of focus falling to <body>.
 * `request(id)` when closing; `ref(id)` on the opener.
 */
export function useFocusReturn() {
  const pending = useRef<string | null>(null);
  return {
    request: (id: string) => {
      pending.current = id;
    },
    ref:
      (id: string) =>
      (element: HTMLElement | null): void => {
        if (element && pending.current === id) {
          pending.current = null;
          element.focus();
        }
      },
  };
}

/** A ref whose element takes focus when it mounts (a confirmation step that replaced its button). */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
