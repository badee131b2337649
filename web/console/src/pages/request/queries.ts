import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ensure, type Schema } from '../../../../shared/api';

export type RequestDetail = Schema<'RequestDetailDto'>;
export type Workflow = Schema<'WorkflowDto'>;
export type Step = Schema<'StepViewDto'>;
export type CounselAction = RequestDetail['allowedActions'][number];

/** Every query of one request starts with this key: invalidating it refreshes the whole page. */
export const requestKey = (id: string) => ['request', id] as const;

/** Steps still to run: the page follows them until they settle. */
export function isLive(workflow: Workflow | undefined, status: RequestDetail['status'] | undefined): boolean {
  if (!workflow) return false;
  if (workflow.steps.some((s) => s.status === 'pending' || s.status === 'running')) return true;
  // All steps settled but the request not completed yet (Art 19 notices still being delivered).
  return status === 'in_progress' && workflow.steps.length > 0 && !workflow.steps.some((s) => s.status === 'failed');
}

/** The request with its personal data. Every read is audited, so it is not polled: it follows the workflow instead. */
export function useRequestDetail(id: string) {
  return useQuery({ queryKey: [...requestKey(id), 'detail'], queryFn: () => ensure(api.GET('/v1/requests/{id}', { params: { path: { id } } })) });
}

/** The workflow, polled while its steps run (it holds no personal data and reading it is not audited). */
export function useWorkflow(id: string, status: RequestDetail['status'] | undefined) {
  return useQuery({
    queryKey: [...requestKey(id), 'workflow'],
    queryFn: () => ensure(api.GET('/v1/requests/{id}/workflow', { params: { path: { id } } })),
    refetchInterval: (query) => (isLive(query.state.data, status) ? 1500 : false),
  });
}

export function useTimeline(id: string) {
  return useInfiniteQuery({
    queryKey: [...requestKey(id), 'timeline'],
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/requests/{id}/timeline', { params: { path: { id }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '' as string,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** After any action: the request, its workflow, timeline and notes, and the board's lists. */
export function useRefreshRequest(id: string): () => Promise<void> {
  const client = useQueryClient();
  return async () => {
    await Promise.all([client.invalidateQueries({ queryKey: requestKey(id) }), client.invalidateQueries({ queryKey: ['requests'] })]);
  };
}
