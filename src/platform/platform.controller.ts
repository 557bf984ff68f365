import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { invalid } from '../common/errors';
import { HYPERVISOR, type HypervisorPort } from '../providers/hypervisor.port';

interface DayRow {
  day: string;
  cluster: string;
  kind: 'host' | 'datastore';
  name: string;
  cpu_total: number | null;
  cpu_used: number | null;
  memory_gib_total: number | null;
  memory_gib_used: number | null;
  disk_gib_total: number;
  disk_gib_used: number;
  vm_count: number | null;
  peak_cpu_used: number | null;
  peak_memory_gib_used: number | null;
  peak_disk_gib_used: number;
  samples: number;
  sampled_at: Date;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today in Japan (the report's calendar). */
function japanToday(): string {
  return new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
}

function checkDate(value: string | undefined, field: string, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw invalid(field, `${field} must be a date YYYY-MM-DD`);
  }
  return value;
}

/**
 * R-RPT-3: the virtualization platform's capacity and use per cluster, day by day, as the worker's
 * platform watch samples it (src/platform/platform-watch.ts) — the figures of the monthly report.
 */
@ApiTags('platform')
@ApiBearerAuth()
@Controller('api/platform')
export class PlatformController {
  constructor(
    private readonly em: EntityManager,
    @Inject(HYPERVISOR) private readonly hypervisor: HypervisorPort,
  ) {}

  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD (Japan); default: the first day of this month' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD (Japan); default: today' })
  @Get('capacity')
  async capacity(@Query('from') fromText?: string, @Query('to') toText?: string) {
    const today = japanToday();
    const to = checkDate(toText, 'to', today);
    const from = checkDate(fromText, 'from', `${to.slice(0, 7)}-01`);
    if (from > to) throw invalid('from', 'from must not be after to');
    if (Date.parse(to) - Date.parse(from) > 400 * 86_400_000) throw invalid('from', 'at most 400 days at once');
    const rows = await this.em.getConnection().execute<DayRow[]>(
      `select to_char(day, 'YYYY-MM-DD') as day, cluster, kind, name, cpu_total, cpu_used, memory_gib_total, memory_gib_used, disk_gib_total, disk_gib_used,
              vm_count, peak_cpu_used, peak_memory_gib_used, peak_disk_gib_used, samples, sampled_at
         from platform_capacity_daily where adapter = ? and day between ?::date and ?::date order by day, cluster, kind, name`,
      [this.hypervisor.description.adapter, from, to],
    );
    const latestDay = rows.length ? rows[rows.length - 1].day : null;
    const clusters = new Map<string, { cluster: string; hosts: number; vms: number; cpu: { total: number; used: number }; memoryGiB: { total: number; used: number }; datastoreGiB: { total: number; used: number } }>();
    for (const r of rows.filter((x) => x.day === latestDay)) {
      const c = clusters.get(r.cluster) ?? { cluster: r.cluster, hosts: 0, vms: 0, cpu: { total: 0, used: 0 }, memoryGiB: { total: 0, used: 0 }, datastoreGiB: { total: 0, used: 0 } };
      if (r.kind === 'host') {
        c.hosts += 1;
        c.vms += r.vm_count ?? 0;
        c.cpu.total += r.cpu_total ?? 0;
        c.cpu.used += r.cpu_used ?? 0;
        c.memoryGiB.total = round(c.memoryGiB.total + (r.memory_gib_total ?? 0));
        c.memoryGiB.used = round(c.memoryGiB.used + (r.memory_gib_used ?? 0));
      } else {
        c.datastoreGiB.total = round(c.datastoreGiB.total + r.disk_gib_total);
        c.datastoreGiB.used = round(c.datastoreGiB.used + r.disk_gib_used);
      }
      clusters.set(r.cluster, c);
    }
    return {
      adapter: this.hypervisor.description.adapter,
      simulated: this.hypervisor.description.simulated,
      labelJa: this.hypervisor.description.labelJa,
      from,
      to,
      latestDay,
      clusters: [...clusters.values()],
      days: rows.map((r) => ({
        day: r.day, cluster: r.cluster, kind: r.kind, name: r.name,
        cpu: r.kind === 'host' ? { total: r.cpu_total, used: r.cpu_used, peak: r.peak_cpu_used } : null,
        memoryGiB: r.kind === 'host' ? { total: r.memory_gib_total, used: r.memory_gib_used, peak: r.peak_memory_gib_used } : null,
        diskGiB: { total: r.disk_gib_total, used: r.disk_gib_used, peak: r.peak_disk_gib_used },
        vmCount: r.vm_count, samples: r.samples, sampledAt: new Date(r.sampled_at).toISOString(),
      })),
    };
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
