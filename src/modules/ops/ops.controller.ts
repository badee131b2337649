import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { DatabaseHealth } from '../../infrastructure/database/database.health.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { MetricsService } from './metrics.service.js';
import { HealthDto } from './ops.dto.js';

const CHECK_TIMEOUT_MS = 2_000;

@ApiTags('operations')
@Controller()
@Public()
export class OpsController {
  constructor(
    private readonly database: DatabaseHealth,
    private readonly jobs: JobsService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health/live')
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ type: HealthDto })
  live(): HealthDto {
    return { status: 'ok', checks: {} };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'The database and the queue answer' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: ProblemDto })
  async ready(): Promise<HealthDto> {
    const [database, queue] = await Promise.all([
      check(() => this.database.ping()),
      check(() => this.jobs.ping()),
    ]);
    const checks = { database, queue };
    const down = Object.entries(checks).filter(([, state]) => state === 'down').map(([name]) => name);
    if (down.length > 0) throw new ServiceUnavailableException(`Not ready: ${down.join(', ')} not answering`);
    return { status: 'ok', checks };
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics: HTTP timings by route template and status, queue depths; no ids or personal data' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

async function check(probe: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
