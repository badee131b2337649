import { useQueries } from '@tanstack/react-query';
import { api, ensure } from '../../../../shared/api';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { hasRole, useSession } from '../../session';

const m = messages.auditor.audit;

/**
 * Puts names to audit actors: a signed-in person (`user:<sub>`) by the name their identity provider
 * gave (GET /v1/users, admins and auditors only), the caller as "you", and the system and data
 * subjects in words. Anything else (an API key id) stays as it is.
 */
export function useActorLabel(actors: Iterable<string>): (actor: string) => string {
  const session = useSession();
  const canResolve = hasRole(session, 'admin', 'auditor');
  const people = [...new Set(actors)].filter((a) => a.startsWith('user:') && a !== session.actor);
  const results = useQueries({
    queries: people.map((actor) => ({
      queryKey: ['users', actor],
      queryFn: () => ensure(api.GET('/v1/users', { params: { query: { actor, limit: 1 } } })),
      enabled: canResolve,
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const names = new Map<string, string>();
  people.forEach((actor, i) => {
    const user = results[i]?.data?.items.find((u) => u.actor === actor);
    if (user) names.set(actor, user.name);
  });
  return (actor: string) => {
    if (actor === session.actor) return fmt(m.you, { name: session.name });
    if (actor === 'system') return m.system;
    if (actor.startsWith('subject:')) return fmt(m.subject, { id: actor.slice('subject:'.length) });
    if (actor.startsWith('agent:')) return fmt(m.agent, { id: actor.slice('agent:'.length) });
    return names.get(actor) ?? actor;
  };
}
