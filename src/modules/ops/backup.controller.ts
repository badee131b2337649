import { Controller, Get, Header, StreamableFile } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Caller, CurrentCaller, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { BackupService } from './backup.service.js';

@ApiTags('operations')
@Controller('v1/ops/backup')
export class BackupController {
  constructor(private readonly backups: BackupService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'A consistent snapshot of the embedded database, taken while Lethe runs (`npm run backup` calls this); restore it with `npm run restore`',
    description: 'A gzip tarball of the PGlite data directory. It holds every personal datum Lethe keeps (sealed values stay sealed: the keys are not in it). Taking it is audited (`ops.backup_taken`, with its SHA-256).',
  })
  @ApiProduces('application/gzip')
  @ApiOkResponse({ description: 'The tarball', content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } } })
  @ApiConflictResponse({ type: ProblemDto, description: 'Lethe runs on a Postgres server (`not_embedded`): back it up with pg_dump' })
  @Header('Cache-Control', 'no-store')
  async backup(@CurrentCaller() caller: Caller): Promise<StreamableFile> {
    const backup = await this.backups.take(caller);
    return new StreamableFile(backup.bytes, { type: 'application/gzip', disposition: `attachment; filename="${backup.fileName}"`, length: backup.bytes.length });
  }
}
