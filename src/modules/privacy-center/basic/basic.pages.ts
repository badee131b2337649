import { LOCALES, type Locale } from '../../../common/i18n/locales.js';
import { escapeHtml as h } from '../../../infrastructure/mail/templates.js';
import type { PrivacyCenterDto } from '../privacy-center.dto.js';
import { BASIC_CATALOGUES, type BasicCatalogue } from './basic.catalogue.js';

/**
 * The privacy center for browsers without JavaScript: plain HTML forms that post to the server and
 * get a page back. No script, no inline style (the CSP forbids both), every value escaped, the
 * status token only ever in a hidden field of a POST (never in an address).
 */
export const REQUEST_TYPES_OFFERED = ['access', 'portability', 'rectification', 'erasure', 'restriction', 'objection'] as const;

export interface BasicContext {
  locale: Locale;
  center: PrivacyCenterDto;
}

export interface RequestForm {
  type?: string;
  email?: string;
  name?: string;
  jurisdiction?: string;
  details?: string;
  changeField?: string;
  changeValue?: string;
  purposes?: string[];
}

const fill = (template: string, params: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (whole, k: string) => (k in params ? String(params[k]) : whole));
const text = (ctx: BasicContext): BasicCatalogue => BASIC_CATALOGUES[ctx.locale];

function layout(ctx: BasicContext, title: string, body: string, languageLinks = true): string {
  const m = text(ctx);
  const { controller } = ctx.center;
  const languages = languageLinks
    ? `<nav class="languages" aria-label="${h(m.language)}"><ul>${LOCALES.map((l) =>
        l === ctx.locale
          ? `<li><span aria-current="true" lang="${l}">${h(BASIC_CATALOGUES[l].languageName)}</span></li>`
          : `<li><a href="/privacy/basic?lang=${l}" lang="${l}" hreflang="${l}">${h(BASIC_CATALOGUES[l].languageName)}</a></li>`,
      ).join('')}</ul></nav>`
    : '';
  const notice = controller.privacyNoticeUrl ? `<p><a href="${h(controller.privacyNoticeUrl)}">${h(m.privacyNotice)}</a></p>` : '';
  return (
    `<!doctype html><html lang="${ctx.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${h(title)} · ${h(controller.name)}</title>` +
    '<link rel="stylesheet" href="/privacy/basic.css"><link rel="stylesheet" href="/privacy/theme.css"></head>' +
    `<body><header><p class="brand">${h(controller.name)}</p>${languages}</header>` +
    `<main id="main"><h1>${h(title)}</h1>${body}</main>` +
    `<footer>${notice}<p>${h(fill(m.contact, { contact: controller.contact }))}</p></footer></body></html>`
  );
}

function field(id: string, label: string, control: string, options: { required?: boolean; hint?: string; error?: string; optional: string; requiredWord: string }): string {
  const hint = options.hint ? `<p class="hint" id="${id}-hint">${h(options.hint)}</p>` : '';
  const error = options.error ? `<p class="field-error" id="${id}-error">${h(options.error)}</p>` : '';
  return `<div class="field${options.error ? ' field-invalid' : ''}"><label for="${id}">${h(label)} <span class="muted">${h(options.required ? options.requiredWord : options.optional)}</span></label>${hint}${error}${control}</div>`;
}

function describedBy(id: string, hint?: string, error?: string): string {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids ? ` aria-describedby="${ids}"` : '';
}

const invalid = (error?: string) => (error ? ' aria-invalid="true"' : '');

/** The one form: every right, the person's details, and the parts only a correction or an objection needs. */
export function requestFormPage(ctx: BasicContext, form: RequestForm = {}, errors: ReadonlyMap<string, string> = new Map(), problem?: string): string {
  const m = text(ctx);
  const c = ctx.center;
  const word = { optional: m.optional, requiredWord: m.required };
  const rights = REQUEST_TYPES_OFFERED.filter((t) => t !== 'objection' || c.objectablePurposes.length > 0);
  const typeError = errors.get('type');
  const radios = rights
    .map((t) => `<div class="choice"><input type="radio" name="type" id="type-${t}" value="${t}" required${form.type === t ? ' checked' : ''}><label for="type-${t}">${h(m.rights[t])}</label></div>`)
    .join('');
  const jurisdiction = form.jurisdiction ?? c.defaultJurisdiction;
  const options = c.clocks.map((k) => `<option value="${k.jurisdiction}"${k.jurisdiction === jurisdiction ? ' selected' : ''}>${h(m.jurisdictions[k.jurisdiction])}</option>`).join('');
  const correction = c.rectifiableFields.length
    ? `<select id="change-field" name="changeField"${invalid(errors.get('changes'))}>${c.rectifiableFields.map((f) => `<option value="${h(f.field)}"${form.changeField === f.field ? ' selected' : ''}>${h(f.label)}</option>`).join('')}</select>`
    : `<input id="change-field" name="changeField" maxlength="100" value="${h(form.changeField ?? '')}"${invalid(errors.get('changes'))}>`;
  const purposes = c.objectablePurposes
    .map(
      (p) =>
        `<div class="choice"><input type="checkbox" name="purposes" id="purpose-${h(p.key)}" value="${h(p.key)}"${form.purposes?.includes(p.key) ? ' checked' : ''}><label for="purpose-${h(p.key)}">${h(p.title)}</label><p class="hint">${h(p.description)}</p></div>`,
    )
    .join('');
  const body =
    `<p>${h(m.intro)}</p>` +
    (problem ? `<div class="notice notice-danger" role="alert"><p>${h(problem)}</p></div>` : '') +
    `<form method="post" action="/privacy/basic/request" novalidate><input type="hidden" name="lang" value="${ctx.locale}">` +
    `<fieldset${typeError ? ' class="field-invalid" aria-describedby="type-error"' : ''}><legend>${h(m.rightLegend)} <span class="muted">${h(m.required)}</span></legend>${typeError ? `<p class="field-error" id="type-error">${h(typeError)}</p>` : ''}${radios}</fieldset>` +
    field('email', m.email, `<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${h(form.email ?? '')}"${invalid(errors.get('email'))}${describedBy('email', m.emailHint, errors.get('email'))}>`, { required: true, hint: m.emailHint, error: errors.get('email'), ...word }) +
    field('name', m.name, `<input id="name" name="name" autocomplete="name" maxlength="200" value="${h(form.name ?? '')}"${invalid(errors.get('name'))}${describedBy('name', undefined, errors.get('name'))}>`, { error: errors.get('name'), ...word }) +
    field('jurisdiction', m.jurisdiction, `<select id="jurisdiction" name="jurisdiction" required${describedBy('jurisdiction', m.jurisdictionHint, errors.get('jurisdiction'))}>${options}</select>`, { required: true, hint: m.jurisdictionHint, error: errors.get('jurisdiction'), ...word }) +
    `<fieldset><legend>${h(m.correctionLegend)}</legend>${errors.get('changes') ? `<p class="field-error">${h(errors.get('changes')!)}</p>` : ''}` +
    field('change-field', m.correctionField, correction, word) +
    field('change-value', m.correctionValue, `<input id="change-value" name="changeValue" maxlength="1000" value="${h(form.changeValue ?? '')}"${invalid(errors.get('changes'))}>`, word) +
    '</fieldset>' +
    (purposes ? `<fieldset><legend>${h(m.objectionLegend)}</legend>${errors.get('purposes') ? `<p class="field-error">${h(errors.get('purposes')!)}</p>` : ''}${purposes}</fieldset>` : '') +
    field('details', m.details, `<textarea id="details" name="details" rows="4" maxlength="5000"${invalid(errors.get('details'))}${describedBy('details', undefined, errors.get('details'))}>${h(form.details ?? '')}</textarea>`, { error: errors.get('details'), ...word }) +
    `<button type="submit" class="button-primary">${h(m.submit)}</button></form>`;
  return layout(ctx, m.title, body);
}

export interface CodeState {
  id: string;
  token: string;
  error?: string;
  notice?: string;
  attemptsLeft?: number;
}

/** Enter the emailed code; ask for a new one. The token travels in hidden fields of POSTs only. */
export function codePage(ctx: BasicContext, state: CodeState): string {
  const m = text(ctx);
  const hidden = `<input type="hidden" name="lang" value="${ctx.locale}"><input type="hidden" name="id" value="${h(state.id)}"><input type="hidden" name="token" value="${h(state.token)}">`;
  const tries = state.attemptsLeft === undefined ? '' : ` ${fill(new Intl.PluralRules(ctx.locale).select(state.attemptsLeft) === 'one' ? m.attemptsLeft.one : m.attemptsLeft.other, { n: state.attemptsLeft })}`;
  const error = state.error ? `${state.error}${tries}` : undefined;
  const body =
    `<p>${h(m.codeSent)}</p>` +
    (state.notice ? `<div class="notice notice-ok" role="status"><p>${h(state.notice)}</p></div>` : '') +
    `<form method="post" action="/privacy/basic/code">${hidden}` +
    field('code', m.codeLabel, `<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="12"${invalid(error)}${describedBy('code', m.codeHint, error)}>`, { required: true, hint: m.codeHint, error, optional: m.optional, requiredWord: m.required }) +
    `<button type="submit" class="button-primary">${h(m.codeSubmit)}</button></form>` +
    `<form method="post" action="/privacy/basic/code/new" class="resend">${hidden}<button type="submit" class="button-secondary">${h(m.resend)}</button></form>`;
  return layout(ctx, m.codeTitle, body, false);
}

/** A page that only says something (confirmed, locked, closed, a duplicate, an error). */
export function messagePage(ctx: BasicContext, title: string, paragraphs: string[], again = true): string {
  const m = text(ctx);
  const body = paragraphs.map((p) => `<p>${h(p)}</p>`).join('') + (again ? `<p><a href="/privacy/basic?lang=${ctx.locale}">${h(m.back)}</a></p>` : '');
  return layout(ctx, title, body, false);
}

export { fill };
