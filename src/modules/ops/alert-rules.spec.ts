import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Keyring } from '../../common/keyring.js';
import type { LetheConfig } from '../../config/config.schema.js';
import type { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { SignInLimiter } from '../sessions/sign-in.limiter.js';
import { MetricsService } from './metrics.service.js';

/**
 * ops/prometheus/lethe-alerts.yml against what Lethe exports: every rule is complete, every metric
 * and label an expression names is one the registry has (so renaming a metric fails here, not in
 * production at 3 a.m.), and every runbook link lands on a README heading.
 */
interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const ROOT = process.cwd();
const groups = (parse(readFileSync(join(ROOT, 'ops/prometheus/lethe-alerts.yml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((group) => group.rules);

/** Every metric Lethe's processes register: MetricsService's own and those other modules add to its registry. */
function exported(): Map<string, readonly string[]> {
  const fakeJobs = { onLostJobs: () => undefined, counts: async () => ({}) } as unknown as JobsService;
  const metrics = new MetricsService(fakeJobs);
  new SignInLimiter({} as LetheConfig, {} as Keyring, metrics);
  return new Map(
    metrics.registry.getMetricsAsArray().map((metric) => {
      const { name, labelNames } = metric as unknown as { name: string; labelNames?: readonly string[] };
      return [name, labelNames ?? []];
    }),
  );
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
const readmeAnchors = new Set(
  readFileSync(join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => anchor(line.replace(/^#+ /, ''))),
);

describe('alert rules (ops/prometheus/lethe-alerts.yml)', () => {
  const metrics = exported();

  it('has the alerts the runbook describes', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'LetheRequestsDueSoonUnassigned',
      'LetheRequestsOverdue',
      'LetheWorkflowStepsFailed',
      'LetheWebhookDeadLetters',
      'LetheJobsLost',
      'LetheRateLimited',
      'LetheSignInFailureBurst',
      'LetheApiKeyFailureBurst',
      'LetheChainVerificationFailed',
      'LetheChainVerificationStale',
      'LetheChainVerificationMissing',
    ]);
  });

  it.each(rules.map((rule) => [rule.alert ?? '(no name)', rule] as const))('%s: alert, expr, for, severity, summary, description and a runbook section', (_name, rule) => {
    expect(rule.alert).toMatch(/^Lethe[A-Z][A-Za-z]+$/);
    expect(typeof rule.expr).toBe('string');
    expect(rule.for).toMatch(/^\d+[smh]$/);
    expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toEqual(expect.any(String));
    expect(rule.annotations?.description).toEqual(expect.any(String));
    const runbook = rule.annotations?.runbook_url ?? '';
    expect(runbook).toMatch(/^README\.md#/);
    expect([...readmeAnchors]).toContain(runbook.slice('README.md#'.length));
  });

  it.each(rules.map((rule) => [rule.alert ?? '(no name)', rule.expr ?? ''] as const))('%s: every metric and label in its expression is one Lethe exports', (_name, expr) => {
    const names = [...expr.matchAll(/\b(lethe_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      // A histogram is exported as _bucket, _count and _sum series of its name.
      const base = metrics.has(name) ? name : name.replace(/_(bucket|count|sum)$/, '');
      expect([name, metrics.has(base)]).toEqual([name, true]);
    }
    // Label matchers on a metric ({reason="invalid_key"}) and grouping labels (by (route)) must be the metrics' own.
    for (const [, name, matchers] of expr.matchAll(/\b(lethe_[a-z0-9_]+)\{([^}]*)\}/g)) {
      for (const [, label] of matchers!.matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)) expect([name, label, metrics.get(name!)]).toEqual([name, label, expect.arrayContaining([label])]);
    }
    const labelsOf = new Set(names.flatMap((name) => metrics.get(name) ?? []));
    for (const [, list] of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
      for (const label of list!.split(',').map((l) => l.trim())) expect([label, labelsOf.has(label)]).toEqual([label, true]);
    }
  });

  it('a renamed metric would fail: the check reads the real registry', () => {
    expect(metrics.has('lethe_requests_overdue')).toBe(true);
    expect(metrics.has('lethe_http_rate_limited_total')).toBe(true);
    expect(metrics.has('lethe_console_sign_in_failures_total')).toBe(true);
    expect(metrics.has('lethe_no_such_metric')).toBe(false);
  });
});
