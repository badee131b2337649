import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailed } from '../../common/errors/domain.error.js';
import { FieldError } from '../../common/errors/problem.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { buildProfiles } from './deadline.profiles.js';
import { DeadlinePreviewDto, DeadlinePreviewQueryDto } from './deadline.dto.js';
import { computeDeadline, Jurisdiction, Pause, Profile } from './deadline.rules.js';
import { compareDates, endOfLocalDay, isLocalDate } from './local-date.js';

@Injectable()
export class DeadlinesService {
  private readonly profiles: Record<Jurisdiction, Profile>;

  constructor(@Inject(CONFIG) config: LetheConfig) {
    this.profiles = buildProfiles(config.controller.country);
  }

  profile(jurisdiction: Jurisdiction): Profile {
    return this.profiles[jurisdiction];
  }

  /** What the clock computes for facts counsel types in, with the rules it applied. */
  preview(query: DeadlinePreviewQueryDto): DeadlinePreviewDto {
    const errors: FieldError[] = [];
    for (const field of ['receivedAt', 'pauseFrom', 'pauseTo', 'identityRequestedAt', 'identityReceivedAt'] as const) {
      const value = query[field];
      if (value !== undefined && !isLocalDate(value)) errors.push({ path: field, message: `${field} is not a calendar date` });
    }
    if ((query.pauseFrom === undefined) !== (query.pauseTo === undefined)) {
      errors.push({ path: query.pauseFrom === undefined ? 'pauseFrom' : 'pauseTo', message: 'pauseFrom and pauseTo go together' });
    }
    if (query.pauseFrom && query.pauseTo && compareDates(query.pauseTo, query.pauseFrom) < 0) {
      errors.push({ path: 'pauseTo', message: 'pauseTo must not be before pauseFrom' });
    }
    if (query.identityReceivedAt && query.jurisdiction !== 'UK' && query.identityRequestedAt === undefined) {
      errors.push({ path: 'identityRequestedAt', message: 'identityRequestedAt is needed: outside the UK an identity request pauses the clock from that day' });
    }
    if (errors.length > 0) throw new ValidationFailed(errors);

    const pauses: Pause[] = [];
    if (query.pauseFrom && query.pauseTo) pauses.push({ from: query.pauseFrom, to: query.pauseTo, reason: 'clarification' });
    if (query.identityReceivedAt) {
      pauses.push({ from: query.identityRequestedAt ?? query.receivedAt, to: query.identityReceivedAt, reason: 'identity' });
    }
    const profile = this.profiles[query.jurisdiction];
    const result = computeDeadline({ profile, received: query.receivedAt, pauses, extended: query.extended, kind: query.kind });
    return {
      jurisdiction: query.jurisdiction,
      timeZone: profile.timeZone,
      ...result,
      dueAt: endOfLocalDay(result.dueOn, profile.timeZone).toISOString(),
      extendedDueAt: result.extendedDueOn ? endOfLocalDay(result.extendedDueOn, profile.timeZone).toISOString() : null,
    };
  }
}
