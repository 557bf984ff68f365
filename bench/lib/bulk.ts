/**
 * Section 2's data: realistic closed cases written straight into case_record with one
 * generate_series statement (no workflows: the list endpoints only read the table). They fall in
 * the five JST years before the current one, numbered per kind and year like the real sequence
 * (INC-2023-00001 ...), and case_number_sequence is moved past them.
 */
import { Client } from 'pg';
import { jstYear } from '../../workflows/shared/jst';
import type { Stack } from './stack';

const HOSTS = ['esx01', 'esx02', 'sw-core01', 'fw01', 'stor01', 'db01', 'bk01', 'vm-zeimu01', 'db-zeimu', 'vm-shimin01'];
const ALERTS = ['HostDown', 'DiskFailure', 'HighCpuLoad', 'MemoryPressure', 'BackupFailed', 'LinkDown', 'PostgresDown', 'CertificateExpiry'];
const REQUEST_TYPES = ['vm.provision', 'vm.delete', 'vm.clone', 'vm.resize', 'db.provide', 'db.delete', 'device.stop_start', 'backup.configure', 'backup.restore', 'network.change', 'other'];

export async function bulkInsertCases(stack: Stack, count: number, seed: number): Promise<{ inserted: number; seconds: number; years: number[] }> {
  const [{ type: departmentType }] = await stack.sql<{ type: string }>(
    `select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'case_record'::regclass and attname = 'department_ids'`,
  );
  const departments = (await stack.sql<{ id: string }>('select id::text as id from department order by code')).map((r) => r.id);
  const [requester] = await stack.sql<{ id: string }>(`select id::text as id from app_user where username = 'dept1'`);
  if (departments.length === 0 || !requester) throw new Error('the demo departments and accounts are missing: the API must have started in embedded mode');
  const thisYear = jstYear(Date.now());
  const firstYear = thisYear - 5;
  const t0 = Date.now();
  const text = `
    with raw as (
      select g,
             (random() < 0.7) as incident,
             timestamptz '${firstYear}-01-01 00:00:00+09' + random() * (timestamptz '${thisYear}-01-01 00:00:00+09' - timestamptz '${firstYear}-01-01 00:00:00+09' - interval '10 days') as occurred,
             $1::text[] as hosts, $2::text[] as alerts, $3::text[] as types, $4::text[] as departments,
             floor(random() * 10)::int as h, floor(random() * 8)::int as a, floor(random() * 11)::int as t, floor(random() * 100)::int as p
        from generate_series(1, $5::int) g
    ), numbered as (
      select *, extract(year from occurred at time zone 'Asia/Tokyo')::int as yr,
             row_number() over (partition by incident, extract(year from occurred at time zone 'Asia/Tokyo') order by occurred, g) as seq
        from raw
    )
    insert into case_record (id, number, kind, workflow_id, run_id, subject, assignee, assignee_username, occurred_at, status, resolution,
                             impact, work_plan, approver, completed_at, severity, hostname, unregistered_device, alert_count, department_ids,
                             requester_id, request_type, params, description, sla, breached, due_at, next_role, created_at, updated_at)
    select gen_random_uuid(),
           (case when incident then 'INC' else 'REQ' end) || '-' || yr || '-' || lpad(seq::text, greatest(4, length(seq::text)), '0'),
           case when incident then 'incident' else 'work_request' end,
           case when incident then 'incident:alert:' || hosts[h + 1] || ':' || lower(alerts[a + 1]) || ':' || g else 'work-request:' || gen_random_uuid() end,
           gen_random_uuid()::text,
           case when incident then alerts[a + 1] || ': ' || hosts[h + 1] else '作業依頼 ' || types[t + 1] || ' #' || g end,
           case when p % 2 = 0 then '運用 一郎' else '運用 二郎' end,
           case when p % 2 = 0 then 'op1' else 'op2' end,
           occurred, 'done',
           case when incident or p < 94 then 'completed' when p < 97 then 'rejected' else 'withdrawn' end,
           jsonb_build_object('severity', (array['critical','major','minor','warning','info'])[p % 5 + 1], 'scope', hosts[h + 1] || ' の利用者', 'serviceStopped', p < 20),
           case when incident then null else jsonb_build_object('plannedStart', occurred + interval '1 day', 'plannedEnd', occurred + interval '1 day 2 hours',
                'content', '定型作業', 'stopsService', false, 'plannedBy', '運用 一郎', 'approvedBy', '総務 花子') end,
           '総務 花子',
           occurred + (interval '1 hour' * (1 + p)),
           case when incident then (array['critical','major','minor','warning','info'])[p % 5 + 1] else null end,
           case when incident then hosts[h + 1] else null end,
           false,
           case when incident then 1 + p % 3 else 0 end,
           array[departments[1 + p % array_length(departments, 1)]]::${departmentType},
           case when incident then null else $6::uuid end,
           case when incident then null else types[t + 1] end,
           case when incident then null else jsonb_build_object('vmName', 'vm-hist-' || g, 'cpu', 2, 'memoryGiB', 8) end,
           'ベンチマーク用の過去案件 #' || g,
           jsonb_build_object('kind', case when incident then 'onsite' else 'resolution' end, 'startAt', occurred, 'dueAt', occurred + interval '2 hours',
                              'originalDueAt', occurred + interval '2 hours', 'warningsSent', '[]'::jsonb, 'breached', p < 3, 'breachedAt', null,
                              'paused', false, 'pausedSince', null, 'pausedSeconds', 0, 'stoppedAt', occurred + interval '1 hour'),
           p < 3,
           occurred + interval '2 hours',
           null,
           occurred + interval '1 second',
           occurred + (interval '1 hour' * (1 + p))
      from numbered`;
  const client = new Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    await client.query('select setseed($1)', [((seed % 1000) / 1000) * 2 - 1]);
    await client.query(text, [HOSTS, ALERTS, REQUEST_TYPES, departments, count, requester.id]);
    await client.query(`
      insert into case_number_sequence (prefix, year, last)
      select split_part(number, '-', 1), split_part(number, '-', 2)::int, max(split_part(number, '-', 3)::int)
        from case_record where number ~ '^(INC|REQ)-\\d{4}-\\d+$' and split_part(number, '-', 2)::int < $1
       group by 1, 2
      on conflict (prefix, year) do update set last = greatest(case_number_sequence.last, excluded.last)`, [thisYear]);
    // Five years of cases would long have been vacuumed: the visibility map lets counts use index-only scans.
    await client.query('vacuum analyze case_record');
  } finally {
    await client.end();
  }
  const years = Array.from({ length: 5 }, (_, i) => firstYear + i);
  return { inserted: count, seconds: (Date.now() - t0) / 1000, years };
}
