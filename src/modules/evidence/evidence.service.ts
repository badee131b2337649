import { Injectable } from '@nestjs/common';
import { ZipArchive } from 'archiver';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { sha256Hex } from '../../common/crypto.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { ConsentService } from '../consent/consent.service.js';
import { RegisterService } from '../register/register.service.js';
import { RequestsService } from '../requests/requests.service.js';
import { SubprocessorsService } from '../subprocessors/subprocessors.service.js';
import { requestStatistics } from './request-statistics.js';

/**
 * The auditors' evidence pack (SOC 2 / ISO 27001 evidence collection): the register as of `to`,
 * subprocessors and notices, request statistics, verification of the consent ledger and the audit
 * trail, the API-key inventory (no secrets), and a manifest with the SHA-256 of every file.
 */
@Injectable()
export class EvidenceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly register: RegisterService,
    private readonly requests: RequestsService,
    private readonly subprocessors: SubprocessorsService,
    private readonly consent: ConsentService,
    private readonly audit: AuditService,
    private readonly apiKeys: ApiKeysService,
    private readonly clock: Clock,
  ) {}

  async pack(from: Date, to: Date, caller: Caller): Promise<{ zip: ZipArchive; filename: string }> {
    const now = this.clock.now();
    const [registerJson, registerHtml, subprocessors, notices, requests, consent, trail, keys] = await Promise.all([
      this.register.export('json', to),
      this.register.export('html', to),
      this.subprocessors.list(),
      this.subprocessors.notices(),
      this.requests.receivedBetween(from, to),
      this.consent.verifyAll(),
      this.audit.verify(),
      this.apiKeys.inventory(),
    ]);
    const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    const files: { name: string; content: string }[] = [
      { name: 'register.json', content: json(registerJson.body) },
      { name: 'register.html', content: String(registerHtml.body) },
      { name: 'subprocessors.json', content: json(subprocessors) },
      { name: 'subprocessor-notices.json', content: json(notices) },
      { name: 'request-statistics.json', content: json({ from: from.toISOString(), to: to.toISOString(), ...requestStatistics(requests, now) }) },
      { name: 'consent-ledger-verification.json', content: json({ verifiedAt: now.toISOString(), ...consent, valid: consent.broken.length === 0 }) },
      { name: 'audit-trail-verification.json', content: json({ verifiedAt: now.toISOString(), ...trail }) },
      {
        name: 'api-keys.json',
        content: json(keys),
      },
    ];
    const manifest = {
      generatedAt: now.toISOString(),
      period: { from: from.toISOString(), to: to.toISOString() },
      files: files.map((f) => ({ name: f.name, bytes: Buffer.byteLength(f.content), sha256: sha256Hex(f.content) })),
    };
    await this.dataSource.transaction((m) =>
      this.audit.record(m, caller, { action: 'evidence_pack.downloaded', targetType: 'evidence_pack', targetId: null, details: { from: from.toISOString(), to: to.toISOString(), manifestSha256: sha256Hex(json(manifest)) } }),
    );
    const zip = new ZipArchive({ zlib: { level: 9 } });
    for (const f of files) zip.append(f.content, { name: f.name, date: now });
    zip.append(json(manifest), { name: 'manifest.json', date: now });
    void zip.finalize();
    return { zip, filename: `evidence-pack-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.zip` };
  }
}
