import { Controller, Get, Headers, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { Public } from '../../../common/auth/roles.js';
import { DomainError } from '../../../common/errors/domain.error.js';
import { isLocale, type Locale, negotiateLocale } from '../../../common/i18n/locales.js';
import { IntakeRateLimit } from '../../../infrastructure/http/rate-limit.js';
import { CreateRequestDto } from '../../requests/request.dto.js';
import { RequestsService } from '../../requests/requests.service.js';
import { PrivacyCenterService } from '../privacy-center.service.js';
import { BASIC_CATALOGUES } from './basic.catalogue.js';
import { type BasicContext, codePage, fill, messagePage, type RequestForm, requestFormPage } from './basic.pages.js';
import { readForm } from './form-body.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A server path (`changes[0].newValue`) to the form's field it belongs to. */
const fieldOf = (path: string) => path.replace(/[[.].*$/, '');

/**
 * The privacy center without JavaScript (/privacy/basic): make a request and enter the emailed code
 * with plain HTML forms. The same rules as the API: the intake limit, validation, the code's limits.
 * Pages, not API operations, so they are not in the OpenAPI document.
 */
@ApiExcludeController()
@Controller('privacy/basic')
export class BasicPagesController {
  constructor(
    private readonly center: PrivacyCenterService,
    private readonly requests: RequestsService,
    private readonly intakeLimit: IntakeRateLimit,
  ) {}

  @Get()
  @Public()
  async form(@Query('lang') lang: string | undefined, @Headers('accept-language') accept: string | undefined, @Res() res: Response): Promise<void> {
    const ctx = await this.context(isLocale(lang) ? lang : negotiateLocale(accept));
    send(res, 200, requestFormPage(ctx));
  }

  @Post('request')
  @Public()
  async request(@Req() req: Request, @Headers('accept-language') accept: string | undefined, @Res() res: Response): Promise<void> {
    const body = await readForm(req);
    const ctx = await this.context(this.localeOf(body, accept));
    const m = BASIC_CATALOGUES[ctx.locale];
    const form: RequestForm = {
      type: body.get('type') ?? undefined,
      email: body.get('email')?.trim() || undefined,
      name: body.get('name')?.trim() || undefined,
      jurisdiction: body.get('jurisdiction') ?? undefined,
      details: body.get('details')?.trim() || undefined,
      changeField: body.get('changeField')?.trim() || undefined,
      changeValue: body.get('changeValue') || undefined,
      purposes: body.getAll('purposes'),
    };
    const retryAfter = await this.intakeLimit.check(req.ip, undefined, form.email);
    if (retryAfter !== null) {
      void res.header('Retry-After', String(retryAfter));
      return send(res, 429, requestFormPage(ctx, form, new Map(), fill(m.tooMany, { seconds: retryAfter })));
    }
    const dto = plainToInstance(CreateRequestDto, {
      type: form.type,
      email: form.email ?? '',
      name: form.name,
      jurisdiction: form.jurisdiction,
      details: form.details,
      locale: ctx.locale,
      // Only what the chosen right uses: a correction typed in and then another right chosen is dropped.
      changes: form.type === 'rectification' ? [{ field: form.changeField ?? '', newValue: form.changeValue ?? '' }] : undefined,
      purposes: form.type === 'objection' ? form.purposes : undefined,
    });
    const errors = new Map<string, string>();
    const invalid = m.invalid as Record<string, string>;
    const mark = (path: string) => errors.set(fieldOf(path), invalid[fieldOf(path)] ?? m.invalid.other);
    for (const error of await validate(dto, { forbidUnknownValues: true })) mark(pathOf(error));
    if (errors.size === 0) {
      try {
        const created = await this.requests.intake(dto, {});
        if (!created.statusToken) return send(res, 200, messagePage(ctx, m.duplicateTitle, [m.duplicate]));
        return send(res, 200, codePage(ctx, { id: created.id, token: created.statusToken }));
      } catch (error) {
        const fields = error instanceof DomainError && error.status === 400 ? (error.extensions.errors as { path: string }[] | undefined) : undefined;
        if (!fields) throw error;
        for (const f of fields) mark(f.path);
      }
    }
    send(res, 400, requestFormPage(ctx, form, errors, m.fix));
  }

  @Post('code')
  @Public()
  async code(@Req() req: Request, @Headers('accept-language') accept: string | undefined, @Res() res: Response): Promise<void> {
    const body = await readForm(req);
    const ctx = await this.context(this.localeOf(body, accept));
    const m = BASIC_CATALOGUES[ctx.locale];
    const { id, token } = this.requestOf(body);
    if (!id || !token) return send(res, 404, messagePage(ctx, m.codeTitle, [fill(m.notFound, { contact: ctx.center.controller.contact })]));
    const code = (body.get('code') ?? '').replace(/\s+/g, '');
    if (!/^\d{6,10}$/.test(code)) return send(res, 400, codePage(ctx, { id, token, error: m.codeWrong }));
    try {
      const status = await this.requests.verifyCode(id, token, code);
      const day = new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${status.dueOn}T00:00:00Z`));
      send(res, 200, messagePage(ctx, m.confirmedTitle, [m.confirmed, fill(m.dueOn, { date: day })]));
    } catch (error) {
      this.answerCodeProblem(res, ctx, { id, token }, error);
    }
  }

  @Post('code/new')
  @Public()
  async newCode(@Req() req: Request, @Headers('accept-language') accept: string | undefined, @Res() res: Response): Promise<void> {
    const body = await readForm(req);
    const ctx = await this.context(this.localeOf(body, accept));
    const m = BASIC_CATALOGUES[ctx.locale];
    const { id, token } = this.requestOf(body);
    if (!id || !token) return send(res, 404, messagePage(ctx, m.codeTitle, [fill(m.notFound, { contact: ctx.center.controller.contact })]));
    try {
      await this.requests.resendCode(id, token);
      send(res, 200, codePage(ctx, { id, token, notice: m.resent }));
    } catch (error) {
      this.answerCodeProblem(res, ctx, { id, token }, error);
    }
  }

  /** Wrong, expired, too soon, locked, closed, unknown: each in words, with the way forward. */
  private answerCodeProblem(res: Response, ctx: BasicContext, request: { id: string; token: string }, error: unknown): void {
    const m = BASIC_CATALOGUES[ctx.locale];
    const contact = ctx.center.controller.contact;
    if (!(error instanceof DomainError)) throw error;
    switch (error.code) {
      case 'code_invalid':
      case 'code_expired':
        return send(res, 400, codePage(ctx, { ...request, error: error.code === 'code_expired' ? m.codeExpired : m.codeWrong, attemptsLeft: error.extensions.attemptsLeft as number | undefined }));
      case 'too_soon':
        return send(res, 429, codePage(ctx, { ...request, error: m.tooSoon }));
      case 'too_many_codes':
        return send(res, 429, codePage(ctx, { ...request, error: m.noMoreCodes }));
      case 'verification_locked':
        return send(res, 423, messagePage(ctx, m.codeTitle, [fill(m.locked, { contact, reference: request.id })]));
      case 'not_awaiting_verification':
        return send(res, 409, messagePage(ctx, m.codeTitle, [m.closed]));
      case 'not_found':
        return send(res, 404, messagePage(ctx, m.codeTitle, [fill(m.notFound, { contact })]));
      default:
        throw error;
    }
  }

  private requestOf(body: URLSearchParams): { id: string | null; token: string | null } {
    const id = body.get('id');
    const token = body.get('token');
    return { id: id && UUID.test(id) ? id.toLowerCase() : null, token: token && token.length <= 200 ? token : null };
  }

  private localeOf(body: URLSearchParams, accept: string | undefined): Locale {
    const lang = body.get('lang');
    return isLocale(lang) ? lang : negotiateLocale(accept);
  }

  private async context(locale: Locale): Promise<BasicContext> {
    return { locale, center: await this.center.describe() };
  }
}

function pathOf(error: ValidationError): string {
  return error.property;
}

function send(res: Response, status: number, html: string): void {
  void res.status(status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(html);
}
