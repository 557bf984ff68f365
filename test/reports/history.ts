import { withDatabase } from '../support/databases';

/** A month of synthetic history for the monthly report's tests (October 2026; see monthly-report.test.ts for the hand-computed figures). */
export const MONTH = '2026-10';
const jst = (s: string) => `${s}+09:00`;

export async function seed(databaseUrl: string): Promise<void> {
  await withDatabase(databaseUrl, async (db) => {
    await db.query(`insert into asset (id, hostname, kind, address, sub_platform, business_systems, protected, created_at, updated_at) values
      (gen_random_uuid(), 'rpt-vm01', 'vm', null, 'virtualization', '{}', false, '2026-01-01', now()),
      (gen_random_uuid(), 'rpt-vm02', 'vm', null, 'virtualization', '{}', false, '2026-01-01', now()),
      (gen_random_uuid(), 'rpt-esx01', 'hypervisor_host', null, 'virtualization', '{}', false, '2026-01-01', now())`);
    // rpt-vm01: every day 5,760 probes (15 s), on 5 October 40 of them failed (600 s down); rpt-esx01 never down; rpt-vm02 no data.
    await db.query(`insert into report_availability_daily (day, hostname, samples, failed_samples, observed_seconds, down_seconds, source, gathered_at)
      select d::date, h, 5760, case when h = 'rpt-vm01' and d::date = '2026-10-05' then 40 else 0 end, 86400,
             case when h = 'rpt-vm01' and d::date = '2026-10-05' then 600 else 0 end, 'test', now()
        from generate_series('2026-10-01'::date, '2026-10-31'::date, interval '1 day') d, unnest(array['rpt-vm01', 'rpt-esx01']) h`);
    const cases: [string, string, string | null, string | null, string, string | null, string, string | null, string | null, boolean, object | null, object | null][] = [
      // number, kind, severity, hostname, occurred, completed, status, resolution, requestType, breached, sla, workPlan
      ['RPT-INC-0', 'incident', 'major', 'rpt-vm02', jst('2026-09-10T10:00:00'), null, 'in_progress', null, null, true, null, null],
      ['RPT-INC-1', 'incident', 'critical', 'rpt-vm01', jst('2026-10-05T10:00:00'), jst('2026-10-05T12:00:00'), 'done', 'resolved', null, false,
        { kind: 'onsite', startAt: jst('2026-10-05T10:00:00'), stoppedAt: jst('2026-10-05T10:30:00'), breached: false }, null],
      ['RPT-INC-2', 'incident', 'major', 'rpt-esx01', jst('2026-10-14T14:00:00'), jst('2026-10-15T10:00:00'), 'done', 'resolved', null, true,
        { kind: 'onsite', startAt: jst('2026-10-14T14:00:00'), stoppedAt: jst('2026-10-14T16:30:00'), breached: true }, null],
      ['RPT-INC-3', 'incident', 'minor', null, jst('2026-10-28T09:00:00'), null, 'in_progress', null, null, false, null, null],
      ['RPT-REQ-1', 'work_request', null, null, jst('2026-10-01T10:00:00'), jst('2026-10-02T10:00:00'), 'done', 'completed', 'vm.provision', false, null, null],
      ['RPT-REQ-2', 'work_request', null, null, jst('2026-10-06T09:00:00'), jst('2026-10-09T09:00:00'), 'done', 'completed', 'vm.resize', false, null,
        { plannedStart: jst('2026-10-08T20:00:00'), plannedEnd: jst('2026-10-08T22:00:00'), content: 'メモリ増設', stopsService: true, approvedAt: jst('2026-10-06T12:00:00') }],
      ['RPT-REQ-3', 'work_request', null, null, jst('2026-10-09T14:00:00'), jst('2026-10-15T14:00:00'), 'done', 'completed', 'other', true, null, null],
      ['RPT-REQ-4', 'work_request', null, null, jst('2026-10-20T10:00:00'), jst('2026-10-27T10:00:00'), 'done', 'completed', 'vm.delete', true, null, null],
      ['RPT-REQ-5', 'work_request', null, null, jst('2026-10-21T10:00:00'), jst('2026-10-21T15:00:00'), 'done', 'rejected', 'other', false, null, null],
      ['RPT-REQ-6', 'work_request', null, null, jst('2026-10-30T10:00:00'), null, 'on_hold', null, 'backup.restore', false, null, null],
    ];
    for (const [number, kind, severity, hostname, occurred, completed, status, resolution, requestType, breached, sla, workPlan] of cases) {
      await db.query(
        `insert into case_record (id, number, kind, workflow_id, run_id, subject, occurred_at, completed_at, status, resolution, impact, department_ids, hostname,
                                  unregistered_device, alert_count, breached, sla, work_plan, severity, request_type, created_at, updated_at)
         values (gen_random_uuid(), $1, $2, 'wf-' || $1, 'run-' || $1, '件名 ' || $1, $3, $4, $5, $6, '{}'::jsonb,
                 array[(select department_id from app_user where username = 'dept1')], $7, false, 1, $8, $9, $10, $11, $12, now(), now())`,
        [number, kind, occurred, completed, status, resolution, hostname, breached, sla, workPlan, severity, requestType],
      );
    }
    await db.query(`insert into case_timeline (id, case_id, key, at, kind, message_ja, message_en, data)
      select gen_random_uuid(), id, 'rpt-hold-6', '2026-10-30T11:00:00+09:00', 'hold', '保留: 依頼者の回答待ち', 'On hold: waiting for the requester', '{"waitingFor":"requester"}'::jsonb
        from case_record where number = 'RPT-REQ-6'`);
    await db.query(`insert into backup_record (id, key, target_kind, target_name, reason, status, file, retention_days, requested_by, started_at) values
      (gen_random_uuid(), 'rpt-b1', 'database', 'zeimu', 'scheduled', 'succeeded', 'f1', 30, 'schedule', '2026-10-02T02:00:00+09:00'),
      (gen_random_uuid(), 'rpt-b2', 'database', 'zeimu', 'scheduled', 'failed', 'f2', 30, 'schedule', '2026-10-03T02:00:00+09:00'),
      (gen_random_uuid(), 'rpt-b3', 'database', 'zeimu', 'scheduled', 'succeeded', 'f3', 30, 'schedule', '2026-10-04T02:00:00+09:00')`);
    // Host rpt-esx01: memory used 100 GiB on 3 August growing 1 GiB a day to 189 GiB on 31 October (of 256); CPU 32 of 64 flat.
    await db.query(`insert into platform_capacity_daily (day, adapter, cluster, kind, name, cpu_total, cpu_used, memory_gib_total, memory_gib_used, disk_gib_total, disk_gib_used, peak_disk_gib_used, samples, sampled_at)
      select '2026-08-03'::date + i, 'test', 'rpt-cl', 'host', 'rpt-esx01', 64, 32, 256, 100 + i, 0, 0, 0, 1, now() from generate_series(0, 89) i`);
    // Datastore rpt-ds01: 5,000 of 10,000 GiB all along; a year before, 4,000.
    await db.query(`insert into platform_capacity_daily (day, adapter, cluster, kind, name, disk_gib_total, disk_gib_used, peak_disk_gib_used, samples, sampled_at)
      select d, 'test', 'rpt-cl', 'datastore', 'rpt-ds01', 10000, case when d < '2026-01-01' then 4000 else 5000 end, 5000, 1, now()
        from unnest(array['2025-10-31'::date, '2026-09-30'::date, '2026-10-31'::date]) d`);
    // R-RPT-1: rpt-vm01's CPU averages 20 % (peak 40) every day but 5 October (50 %, peak 95); memory 60 % (peak 70) on 288
    // points a day but 20 October, 90 % on 144 points; disk 45 % all month. rpt-vm02 has no node_exporter data.
    await db.query(`insert into report_vm_resource_daily (day, hostname, metric, average_percent, peak_percent, samples, source, gathered_at)
      select d::date, 'rpt-vm01', m,
             case when m = 'cpu' and d::date = '2026-10-05' then 50 when m = 'cpu' then 20 when m = 'memory' and d::date = '2026-10-20' then 90 when m = 'memory' then 60 else 45 end,
             case when m = 'cpu' and d::date = '2026-10-05' then 95 when m = 'cpu' then 40 when m = 'memory' and d::date = '2026-10-20' then 90 when m = 'memory' then 70 else 45 end,
             case when m = 'memory' and d::date = '2026-10-20' then 144 else 288 end, 'test', now()
        from generate_series('2026-10-01'::date, '2026-10-31'::date, interval '1 day') d, unnest(array['cpu', 'memory', 'disk']) m`);
    // R-RPT-4: rpt-sw01 eth0 receives 2 GB a day (5 GB on 10 October) and sends 1 GB a day.
    await db.query(`insert into report_traffic_daily (day, hostname, interface, in_octets, out_octets, source, gathered_at)
      select d::date, 'rpt-sw01', 'eth0', case when d::date = '2026-10-10' then 5e9 else 2e9 end, 1e9, 'test', now()
        from generate_series('2026-10-01'::date, '2026-10-31'::date, interval '1 day') d`);
    // R-RPT-3: database zeimu 10 GiB on 30 September, 12 GiB on 31 October (the platform's total unknown); the backup
    // store 400 GiB then 431 GiB of a 1,000.5 GiB file system.
    const GiB = 1024 ** 3;
    await db.query(`insert into report_storage_daily (day, store, item, used_bytes, total_bytes, source, gathered_at) values
      ('2026-09-30', 'database_platform', 'zeimu', ${10 * GiB}, null, 'test', now()), ('2026-09-30', 'database_platform', '*', ${10 * GiB}, null, 'test', now()),
      ('2026-10-31', 'database_platform', 'zeimu', ${12 * GiB}, null, 'test', now()), ('2026-10-31', 'database_platform', '*', ${12 * GiB}, null, 'test', now()),
      ('2026-09-30', 'backup_store', '*', ${400 * GiB}, ${1000.5 * GiB}, 'test', now()), ('2026-10-31', 'backup_store', '*', ${431 * GiB}, ${1000.5 * GiB}, 'test', now())`);
  });
}

