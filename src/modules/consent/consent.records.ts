import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors/domain.error.js';
import { decodeCursor, encodeCursor, pageSize } from '../../common/pagination.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { PurposeCatalog } from '../purposes/purpose-catalog.js';
import { TaxonomyService } from '../register/taxonomy.service.js';
import { buildDpvHistory, buildDpvRecord, DpvRecordInput, JsonLdNode } from './consent.dpv.js';
import { ConsentRecordHistoryQueryDto } from './consent-record.dto.js';
import type { ConsentEventEntity } from './consent.entity.js';
import { ConsentRepository } from './consent.repository.js';
import { ConsentService } from './consent.service.js';

export interface RecordPage {
  document: JsonLdNode;
  nextCursor: string | null;
}

/**
 * Consent events as W3C DPV / ISO/IEC TS 27560 records (consent.dpv.ts builds them): this gathers what
 * a record states, from the ledger, the purposes catalogue and the register's taxonomy.
 */
@Injectable()
export class ConsentRecords {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly repository: ConsentRepository,
    private readonly consent: ConsentService,
    private readonly catalog: PurposeCatalog,
    private readonly taxonomy: TaxonomyService,
  ) {}

  async record(eventId: string): Promise<JsonLdNode> {
    const event = await this.repository.byId(eventId);
    if (!event) throw new NotFoundError('Consent event');
    const [input] = await this.inputs([event]);
    return buildDpvRecord(input!);
  }

  /** One page of the subject's records, oldest first (the history's order and cursor). */
  async history(subjectId: string, query: ConsentRecordHistoryQueryDto): Promise<RecordPage> {
    const limit = pageSize(query);
    const cursor = decodeCursor(query.cursor, (v): v is { seq: number } => Number.isSafeInteger(v.seq));
    const rows = await this.repository.historyPage(this.consent.subjectRef(subjectId), cursor?.seq ?? 0, limit);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      document: buildDpvHistory(await this.inputs(page)),
      nextCursor: rows.length > limit && last ? encodeCursor({ seq: last.seq }) : null,
    };
  }

  private async inputs(events: ConsentEventEntity[]): Promise<DpvRecordInput[]> {
    const entries = new Map(await Promise.all([...new Set(events.map((e) => e.purpose))].map(async (key) => [key, await this.catalog.get(key)] as const)));
    const categories = await this.taxonomy.describe([...entries.values()].flatMap((entry) => entry?.purpose.dataCategories ?? []));
    return events.map((event) => {
      const entry = entries.get(event.purpose);
      if (!entry) throw new NotFoundError('Purpose');
      const notice = entry.notices.find((n) => n.version === event.noticeVersion && n.language === event.noticeLanguage);
      return {
        event,
        purpose: entry.purpose,
        notice,
        // A category the taxonomy no longer holds is named by its key, not dropped.
        categories: entry.purpose.dataCategories.map((key) => ({ key, title: categories.get(key)?.title ?? key, special: categories.get(key)?.special ?? false })),
        controller: this.config.controller,
        withdrawalMethod: this.config.consent.withdrawalMethod,
        publicUrl: this.config.publicUrl,
      };
    });
  }
}
