import { readFileSync } from 'node:fs';
import type { Reader } from './reader.js';

/** The audit trail streamed to a SIEM as OpenTelemetry logs over OTLP/HTTP (JSON): LETHE_AUDIT_EXPORT_*. */
export interface AuditExportConfig {
  /** Where log records are POSTed: the endpoint's path with `/v1/logs` appended, as OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly logsUrl: string;
  /** Sent with every request (e.g. the collector's Authorization): secrets, never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** PEM certificates trusted for an https endpoint, instead of Node's bundled CAs. */
  readonly ca: string | undefined;
  /** The cursor's name: a new name starts a new cursor (a new destination gets the trail from `start`). */
  readonly sink: string;
  /** Where a new cursor starts: the first entry of the trail, or the entry after the head at that moment. */
  readonly start: 'beginning' | 'now';
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  /** The first retry delay (doubling, with jitter) when the receiver is unreachable or answers 429/502/503/504. */
  readonly backoffMs: number;
  /** The longest retry delay, and the wait before trying again after a refusal that is not retryable. */
  readonly maxBackoffMs: number;
}

/** Undefined when LETHE_AUDIT_EXPORT_OTLP_ENDPOINT is unset; every problem names its variable. */
export function auditExportConfig(read: Reader, problems: string[]): AuditExportConfig | undefined {
  const endpoint = read.url('LETHE_AUDIT_EXPORT_OTLP_ENDPOINT', ['http:', 'https:']);
  const headers = otlpHeaders(read.optional('LETHE_AUDIT_EXPORT_HEADERS'), problems);
  const caFile = read.optional('LETHE_AUDIT_EXPORT_CA_FILE');
  const settings = {
    sink: read.pattern('LETHE_AUDIT_EXPORT_NAME', /^[a-z0-9][a-z0-9_.-]{0,99}$/, 'siem', 'lowercase letters, digits, _ . - (at most 100)'),
    start: read.oneOf('LETHE_AUDIT_EXPORT_START', ['beginning', 'now'], 'beginning'),
    batchSize: read.int('LETHE_AUDIT_EXPORT_BATCH_SIZE', 200, 1, 5000),
    pollIntervalMs: read.int('LETHE_AUDIT_EXPORT_POLL_MS', 5000, 10, 3_600_000),
    timeoutMs: read.int('LETHE_AUDIT_EXPORT_TIMEOUT_MS', 10_000, 100, 120_000),
    backoffMs: read.int('LETHE_AUDIT_EXPORT_BACKOFF_MS', 1000, 10, 3_600_000),
    maxBackoffMs: read.int('LETHE_AUDIT_EXPORT_MAX_BACKOFF_MS', 300_000, 10, 86_400_000),
  };
  if (endpoint === undefined) {
    if (headers !== undefined || caFile !== undefined) problems.push('LETHE_AUDIT_EXPORT_HEADERS and LETHE_AUDIT_EXPORT_CA_FILE need LETHE_AUDIT_EXPORT_OTLP_ENDPOINT');
    return undefined;
  }
  let logsUrl = endpoint;
  try {
    const url = new URL(endpoint);
    if (url.username !== '' || url.password !== '') problems.push('LETHE_AUDIT_EXPORT_OTLP_ENDPOINT must not carry credentials: send them with LETHE_AUDIT_EXPORT_HEADERS (e.g. Authorization=Bearer%20…)');
    if (url.search !== '' || url.hash !== '') problems.push('LETHE_AUDIT_EXPORT_OTLP_ENDPOINT must not have a query or fragment: it is a base URL such as https://collector.example.com:4318');
    if (caFile !== undefined && url.protocol !== 'https:') problems.push('LETHE_AUDIT_EXPORT_CA_FILE needs an https:// LETHE_AUDIT_EXPORT_OTLP_ENDPOINT');
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/logs`;
    logsUrl = url.toString();
  } catch {
    // read.url has named the variable
  }
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) problems.push(`LETHE_AUDIT_EXPORT_CA_FILE must be a PEM file of certificates (${caFile} has none)`);
    } catch (error) {
      problems.push(`LETHE_AUDIT_EXPORT_CA_FILE: cannot read ${caFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (settings.maxBackoffMs < settings.backoffMs) problems.push('LETHE_AUDIT_EXPORT_MAX_BACKOFF_MS must be at least LETHE_AUDIT_EXPORT_BACKOFF_MS');
  return { logsUrl, headers: headers ?? {}, ca, ...settings };
}

/**
 * `name=value,name=value`, values percent-encoded, as OTEL_EXPORTER_OTLP_HEADERS. The values are
 * secrets (an Authorization header): problems name the entry, never its value.
 */
function otlpHeaders(value: string | undefined, problems: string[]): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const headers: Record<string, string> = {};
  value.split(',').forEach((entry, i) => {
    const at = entry.indexOf('=');
    const name = (at === -1 ? entry : entry.slice(0, at)).trim();
    let decoded: string | undefined;
    try {
      decoded = at === -1 ? undefined : decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      decoded = undefined;
    }
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || decoded === undefined || decoded === '' || /[\r\n\0]/.test(decoded)) {
      problems.push(`LETHE_AUDIT_EXPORT_HEADERS must be name=value pairs separated by commas, values percent-encoded (entry ${i + 1} is not)`);
    } else if (['content-type', 'content-length', 'host', 'transfer-encoding', 'connection'].includes(name.toLowerCase())) {
      problems.push(`LETHE_AUDIT_EXPORT_HEADERS must not set ${name}: Lethe sets it`);
    } else {
      headers[name] = decoded;
    }
  });
  return headers;
}
