import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createEvents, type EventAttributes } from 'ics';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, Caller, hasRole } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { randomToken, sha256Hex } from '../../common/crypto.js';
import { NotFoundError } from '../../common/errors/domain.error.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { addDays } from './local-date.js';
import { decodeCursor, PageQueryDto, pageSize, toPage } from '../../common/pagination.js';
import { RequestsService } from '../requests/requests.service.js';
import { FeedDto, FeedListDto } from './deadline-feed.dto.js';
import { DeadlineFeedRepository } from './deadline-feed.repository.js';

const TYPE_TITLES: Record<string, string> = {
  access: 'Access',
  portability: 'Portability',
  rectification: 'Rectification',
  erasure: 'Erasure',
  restriction: 'Restriction',
  objection: 'Objection',
};

/** An iCalendar feed of open requests' due dates, titled by type and short id only. */
@Injectable()
export class DeadlineFeedService {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: DeadlineFeedRepository,
    private readonly requests: RequestsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async createFeed(caller: Caller): Promise<FeedDto> {
    const token = `feed_${randomToken(32)}`;
    const feed = await this.dataSource.transaction(async (m) => {
      const row = await this.repository.insert(m, { tokenHash: sha256Hex(token), createdBy: actorOf(caller), createdAt: this.clock.now(), revokedAt: null });
      await this.audit.record(m, caller, { action: 'deadline_feed.created', targetType: 'deadline_feed', targetId: row.id });
      return row;
    });
    return { id: feed.id, url: `${this.config.publicUrl}/v1/deadlines.ics?token=${token}` };
  }

  /** The caller's own feeds, newest first (revoked ones too, with when). */
  async listFeeds(query: PageQueryDto, caller: Caller): Promise<FeedListDto> {
    const limit = pageSize(query);
    const cursor = decodeCursor(query.cursor, (v): v is { at: string; id: string } => typeof v.at === 'string' && typeof v.id === 'string');
    const rows = await this.repository.pageOf(actorOf(caller), cursor && { at: new Date(cursor.at), id: cursor.id }, limit);
    return toPage(rows, limit, (f) => ({ at: f.createdAt.toISOString(), id: f.id }), (f) => ({ id: f.id, createdAt: f.createdAt.toISOString(), revokedAt: f.revokedAt?.toISOString() ?? null }));
  }

  async revokeFeed(id: string, caller: Caller): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const row = await this.repository.byId(m, id);
      if (!row) throw new NotFoundError('Feed');
      if (row.revokedAt) return;
      await this.repository.revoke(m, id, this.clock.now());
      await this.audit.record(m, caller, { action: 'deadline_feed.revoked', targetType: 'deadline_feed', targetId: id });
    });
  }

  /** Counsel's API key, or a feed token in the URL (calendar apps cannot send headers). */
  async calendar(caller: Caller | undefined, token: string | undefined): Promise<string> {
    const counsel = hasRole(caller, 'counsel');
    if (!counsel) {
      const feed = token ? await this.repository.byTokenHash(sha256Hex(token)) : null;
      if (!feed || feed.revokedAt) throw new UnauthorizedException('A counsel API key or a valid feed token is required');
    }
    const open = await this.requests.openDeadlines(5000);
    const events: EventAttributes[] = open.map((r) => {
      const due = r.dueOn;
      const [y, m, d] = due.split('-').map(Number) as [number, number, number];
      const [ey, em, ed] = addDays(due, 1).split('-').map(Number) as [number, number, number];
      return {
        uid: `${r.id}@lethe`,
        title: `${TYPE_TITLES[r.type]} ${r.id.slice(0, 8)} due`,
        // The link opens the request in the console (counsel signs in there); nothing personal in the feed.
        description: `Request ${r.id} (${r.type}, ${r.jurisdiction}) is ${r.status.replace(/_/g, ' ')}, due ${due}. Open it in the Lethe console: ${this.config.publicUrl}/console/requests/${r.id}`,
        start: [y, m, d],
        end: [ey, em, ed],
        url: `${this.config.publicUrl}/console/requests/${r.id}`,
        status: 'CONFIRMED',
        busyStatus: 'FREE',
      } as EventAttributes;
    });
    const { error, value } = createEvents(events, { calName: 'Lethe deadlines', productId: 'lethe/deadlines' });
    if (error || !value) throw error ?? new Error('calendar could not be built');
    return value;
  }
}
