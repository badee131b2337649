import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useParams } from 'react-router';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { hasRole, useSession } from '../session';
import { Badge, type Tone } from '../ui/Badge';
import { QueryView } from '../ui/Loading';
import { Page } from '../ui/Page';
import { ClockSection, RequesterSection } from './request/RequestFacts';
import { RequestActions } from './request/RequestActions';
import { CertificateSection, PackageSection, PlanSection, RecipientsSection } from './request/Outputs';
import { NotesSection, TimelineSection } from './request/History';
import { isLive, requestKey, useRefreshRequest, useRequestDetail, useWorkflow } from './request/queries';
import { WorkflowSection } from './request/WorkflowSection';
import { word } from './request/words';

const m = messages.counselRequest;

const STATUS_TONE: Record<string, Tone> = {
  received: 'info',
  awaiting_verification: 'warn',
  verified: 'info',
  awaiting_approval: 'warn',
  in_progress: 'info',
  paused_for_clarification: 'warn',
  completed: 'ok',
  refused: 'danger',
  withdrawn: 'neutral',
  expired_unverified: 'neutral',
};

/** One request for privacy counsel: who and what, the clock, every allowed action, the workflow and its outputs, the history. */
export function RequestPage() {
  const session = useSession();
  const { id = '' } = useParams();
  if (!hasRole(session, 'counsel')) {
    return (
      <Page title={fmt(m.title, { type: '' }).trim()}>
        <p className="alert alert-error">{m.notCounsel}</p>
      </Page>
    );
  }
  return <RequestView id={id} />;
}

function RequestView({ id }: { id: string }) {
  const detail = useRequestDetail(id);
  const status = detail.data?.status;
  const workflow = useWorkflow(id, status);
  const live = isLive(workflow.data, status);
  const refresh = useRefreshRequest(id);
  useFollowWorkflow(id, workflow.data);
  const title = detail.data ? fmt(m.title, { type: word(m.types, detail.data.type) }) : fmt(m.title, { type: '' }).trim();
  return (
    <Page
      title={title}
      actions={
        <Link to="/" className="button button-secondary">
          {m.back}
        </Link>
      }
    >
      <QueryView query={detail}>
        {(request) => (
          <div className="request-page">
            <div className="request-head">
              <p role="status">
                {m.statusLabel} <Badge tone={STATUS_TONE[request.status]}>{word(m.statuses, request.status)}</Badge>
              </p>
              <p className="muted">
                {m.reference} <code>{request.id}</code>
              </p>
            </div>
            <div className="grid grid-2">
              <RequesterSection request={request} />
              <ClockSection request={request} />
            </div>
            <RequestActions request={request} workflow={workflow.data} refresh={refresh} />
            <QueryView query={workflow}>
              {(data) => (
                <>
                  <PlanSection request={request} workflow={data} />
                  <WorkflowSection request={request} workflow={data} live={live} refresh={refresh} />
                  <PackageSection request={request} workflow={data} refresh={refresh} />
                  <CertificateSection request={request} workflow={data} />
                  <RecipientsSection request={request} workflow={data} />
                </>
              )}
            </QueryView>
            <div className="grid grid-2">
              <TimelineSection id={id} />
              <NotesSection request={request} refresh={refresh} />
            </div>
          </div>
        )}
      </QueryView>
    </Page>
  );
}

/**
 * The request's detail is not polled (every read of it is audited): when the workflow moves — a step
 * settles, the request completes — the request and its timeline are read again.
 */
function useFollowWorkflow(id: string, workflow: ReturnType<typeof useWorkflow>['data']) {
  const client = useQueryClient();
  const signature = workflow ? workflow.steps.map((s) => `${s.key}:${s.status}`).join('|') + `|${workflow.recipients.map((r) => r.status).join(',')}|${workflow.package?.links ?? ''}` : null;
  const previous = useRef<string | null>(null);
  useEffect(() => {
    if (signature === null) return;
    if (previous.current !== null && previous.current !== signature) {
      void client.invalidateQueries({ queryKey: [...requestKey(id), 'detail'] });
      void client.invalidateQueries({ queryKey: [...requestKey(id), 'timeline'] });
    }
    previous.current = signature;
  }, [client, id, signature]);
}
