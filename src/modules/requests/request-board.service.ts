import { Injectable } from '@nestjs/common';
import type { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { ValidationFailed } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { decodeCursor, pageSize, toPage } from '../../common/pagination.js';
import { JURISDICTIONS, type Jurisdiction } from '../deadlines/deadline.rules.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { addDays, endOfLocalDay, localDateIn } from '../deadlines/local-date.js';
import type { AssigneeListDto, RequestCountsDto, RequestFilterDto, RequestListQueryDto, RequestPageDto } from './request-counsel.dto.js';
import { RequestsRepository, type RequestFilter } from './requests.repository.js';
import { RequestLifecycle } from './request.lifecycle.js';

/** Days ahead that count as "due this week" on the board. */
export const DUE_SOON_DAYS = 7;

/** Counsel's list of requests and the deadline board's counts, with the same filters. */
@Injectable()
export class RequestBoardService {
  constructor(
    private readonly repository: RequestsRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly deadlines: DeadlinesService,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {}

  async list(query: RequestListQueryDto, caller: Caller): Promise<RequestPageDto> {
    const filter = this.filterOf(query, caller);
    const limit = pageSize(query);
    const now = this.clock.now();
    const cursor = decodeCursor(query.cursor, (v): v is { at: string; id: string } => typeof v.at === 'string' && typeof v.id === 'string');
    const [rows, counts] = await Promise.all([
      this.repository.page(filter, cursor && { at: new Date(cursor.at), id: cursor.id }, limit),
      this.repository.statusCounts(filter),
    ]);
    const page = toPage(rows, limit, (r) => ({ at: r.dueAt.toISOString(), id: r.id }), (r) => this.lifecycle.summaryOf(r, now));
    return { ...page, counts };
  }

  async counts(query: RequestFilterDto, caller: Caller): Promise<RequestCountsDto> {
    const now = this.clock.now();
    const weekEnds = Object.fromEntries(
      JURISDICTIONS.map((j) => {
        const zone = this.deadlines.profile(j).timeZone;
        return [j, endOfLocalDay(addDays(localDateIn(now, zone), DUE_SOON_DAYS), zone)];
      }),
    ) as Record<Jurisdiction, Date>;
    return this.repository.boardCounts(this.filterOf(query, caller), now, weekEnds);
  }

  /** Who open requests are assigned to, for a filter that puts no email in a URL. */
  async assignees(): Promise<AssigneeListDto> {
    const rows = await this.repository.assignees();
    const items = rows.map(({ hash, sealed }) => {
      const [keyId, data] = sealed.split(':', 2) as [string, string];
      return { ref: hash, email: this.keyring.open({ keyId, data }) };
    });
    items.sort((a, b) => a.email.localeCompare(b.email));
    return { items, nextCursor: null };
  }

  private filterOf(query: RequestFilterDto, caller: Caller): RequestFilter {
    const hashes: string[] = [];
    if (query.mine) {
      if (caller.kind !== 'user' || !caller.email) {
        throw new ValidationFailed([{ path: 'mine', message: 'mine needs a person signed in to the console with an email address; an API key has none' }]);
      }
      hashes.push(this.assigneeHash(caller.email));
    }
    if (query.assignee) hashes.push(this.assigneeHash(query.assignee));
    if (query.assigneeRef) hashes.push(query.assigneeRef);
    const now = this.clock.now();
    return {
      status: query.status,
      type: query.type,
      jurisdiction: query.jurisdiction,
      assigneeHashes: hashes,
      open: query.open,
      dueBefore: query.dueBefore ? new Date(`${query.dueBefore}T23:59:59.999Z`) : undefined,
      overdueAt: query.overdue ? now : undefined,
    };
  }

  private assigneeHash(email: string): string {
    return this.keyring.keyedHash('assignee', email.toLowerCase());
  }
}
