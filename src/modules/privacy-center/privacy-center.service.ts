import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { LOCALES } from '../../common/i18n/locales.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { JURISDICTIONS } from '../deadlines/deadline.rules.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { localDateIn } from '../deadlines/local-date.js';
import { PurposeCatalog } from '../purposes/purpose-catalog.js';
import type { LawfulBasis } from '../purposes/purpose.types.js';
import { RequestsService } from '../requests/requests.service.js';
import type { PrivacyCenterDto } from './privacy-center.dto.js';

/** Art 21 covers processing on these bases; a consent is withdrawn, which an objection also does. */
const OBJECTABLE: ReadonlySet<LawfulBasis> = new Set(['legitimate_interests', 'public_task', 'consent']);

/** What the privacy center's pages need before anyone has made a request: all public. */
@Injectable()
export class PrivacyCenterService {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly deadlines: DeadlinesService,
    private readonly purposes: PurposeCatalog,
    private readonly requests: RequestsService,
    private readonly clock: Clock,
  ) {}

  async describe(): Promise<PrivacyCenterDto> {
    const now = this.clock.now();
    const clocks = JURISDICTIONS.map((jurisdiction) => {
      const timeZone = this.deadlines.profile(jurisdiction).timeZone;
      const preview = this.deadlines.preview({ jurisdiction, receivedAt: localDateIn(now, timeZone), extended: true });
      return { jurisdiction, timeZone, dueOn: preview.dueOn, extendedDueOn: preview.extendedDueOn };
    });
    const purposes = (await this.purposes.all()).map((p) => p.purpose).filter((p) => OBJECTABLE.has(p.lawfulBasis));
    return {
      controller: { name: this.config.controller.name, contact: this.config.controller.contact, privacyNoticeUrl: this.config.controller.privacyNoticeUrl ?? null },
      logoUrl: this.config.privacyCenter.logoUrl ?? null,
      languages: [...LOCALES],
      defaultJurisdiction: this.config.requests.defaultJurisdiction,
      clocks,
      rectifiableFields: this.requests.rectifiableFields().items,
      signIn: this.config.privacyCenter.oidc !== undefined,
      objectablePurposes: purposes.map((p) => ({ key: p.key, title: p.title, description: p.description })).sort((a, b) => a.title.localeCompare(b.title)),
    };
  }
}
