import { Injectable } from '@nestjs/common';
import { PurposeEntity, PurposeNoticeEntity } from './purpose.entity.js';
import { PurposesRepository } from './purposes.repository.js';

export interface CatalogPurpose {
  purpose: PurposeEntity;
  /** Ordered by effectiveFrom, then publishedAt. */
  notices: PurposeNoticeEntity[];
}

const TTL_MS = 30_000;

/**
 * The purposes and their notices, held in memory: the consent hot path resolves a purpose and a
 * notice without a query. Writes in this process refresh it at once; other processes within 30 s,
 * or at once when they meet a key they do not know.
 */
@Injectable()
export class PurposeCatalog {
  private byKey = new Map<string, CatalogPurpose>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly repository: PurposesRepository) {}

  async all(): Promise<CatalogPurpose[]> {
    await this.fresh();
    return [...this.byKey.values()].sort((a, b) => (a.purpose.key < b.purpose.key ? -1 : 1));
  }

  async get(key: string): Promise<CatalogPurpose | undefined> {
    await this.fresh();
    const found = this.byKey.get(key);
    if (found) return found;
    await this.reload();
    return this.byKey.get(key);
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt > TTL_MS) await this.reload();
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const [purposes, notices] = await Promise.all([this.repository.purposes(), this.repository.notices()]);
        const next = new Map<string, CatalogPurpose>();
        const byId = new Map<string, CatalogPurpose>();
        for (const purpose of purposes) {
          const entry = { purpose, notices: [] as PurposeNoticeEntity[] };
          next.set(purpose.key, entry);
          byId.set(purpose.id, entry);
        }
        for (const notice of notices) byId.get(notice.purposeId)?.notices.push(notice);
        this.byKey = next;
        this.loadedAt = Date.now();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

/** The notice in force at `at`: the latest whose effectiveFrom has passed. */
export function noticeInForce(entry: CatalogPurpose, at: Date): PurposeNoticeEntity | undefined {
  let current: PurposeNoticeEntity | undefined;
  for (const notice of entry.notices) if (notice.effectiveFrom.getTime() <= at.getTime()) current = notice;
  return current;
}

/** The notice in force at `at`, in `locale`'s language where that version was published in it. */
export function noticeInLanguage(entry: CatalogPurpose, at: Date, locale: string | undefined): PurposeNoticeEntity | undefined {
  const inForce = noticeInForce(entry, at);
  if (!inForce || !locale) return inForce;
  const language = locale.split('-')[0]!.toLowerCase();
  return entry.notices.find((n) => n.version === inForce.version && n.language === language && n.effectiveFrom.getTime() <= at.getTime()) ?? inForce;
}

/** The notice an event names: by version and language; the language may be left out when the version has one. */
export function findNotice(entry: CatalogPurpose, version: string, language?: string): PurposeNoticeEntity | 'ambiguous' | undefined {
  const candidates = entry.notices.filter((n) => n.version === version && (language === undefined || n.language === language));
  if (candidates.length > 1) return 'ambiguous';
  return candidates[0];
}
