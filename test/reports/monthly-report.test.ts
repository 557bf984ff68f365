import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { createHash } from 'node:crypto';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { BusinessCalendar } from '../../src/calendar/business-calendar';
import { pdfPageCount } from '../../src/reports/pdf';
import { firstBusinessDayOfMonth, reportedMonth } from '../../src/reports/report-calendar';
import { ensureReportSchedules, reportScheduleIds } from '../../src/reports/report-schedules';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { MONTH, seed } from './history';

/**
 * Issue 19: the monthly report from a month of synthetic history (October 2026, written straight
 * into the case records, the daily availability table, the backup catalog and the daily capacity
 * table), through the real workflow on the Temporal dev server, PostgreSQL and SMTP: the figures of
 * every section against numbers computed by hand below, comments and approval as Updates, the
 * workbook read back with exceljs, the PDF's pages, the mail to general affairs, regeneration.
 */
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('R-RPT-1..5: the monthly report from a month of history', () => {
  let system: TestSystem;
  let ga: string;
  let op: string;
  let dept: string;
  let reportId: string;
  let report: any;

  const figure = (id: string) => {
    const f = report.figures.sections.flatMap((s: any) => s.figures).find((x: any) => x.id === id);
    if (!f) throw new Error(`no figure ${id}`);
    return f.value;
  };
  const table = (section: string, id: string) => report.figures.sections.find((s: any) => s.id === section).tables.find((t: any) => t.id === id);

  const waitForStatus = async (id: string, status: string, token = ga) => {
    const deadline = Date.now() + 90_000;
    for (;;) {
      // The worker renders in this process (CPU-bound for a moment): a kept-alive socket may be reset meanwhile, so ask again.
      const r = await system.request('GET', `/api/reports/monthly/${id}`, { token }).catch(() => ({ status: 0, body: null as any, text: '' }));
      if (r.status === 200 && r.body.status === status && (status !== 'commenting' || r.body.openTask?.type === 'report_comments')) return r.body;
      if (Date.now() > deadline) throw new Error(`report ${id} is ${r.body?.status}, not ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };

  beforeAll(async () => {
    system = await startTestSystem();
    await seed(system.config.databaseUrl);
    [ga, op, dept] = await Promise.all(['ga1', 'op1', 'dept1'].map((u) => system.login(u)));
    const started = await system.request('POST', '/api/reports/monthly', { token: ga, body: { month: MONTH } });
    expect(started.status).toBe(201);
    reportId = started.body.reportId;
    report = await waitForStatus(reportId, 'commenting');
  }, 150_000);
  afterAll(async () => {
    await system?.close();
  });

  test('R-RPT-1..5: POST /api/reports/monthly refuses a bad month with 4xx naming the field', async () => {
    for (const body of [{ month: '2026-13' }, { month: '202611' }, {}, { month: '2099-01' }]) {
      const r = await system.request('POST', '/api/reports/monthly', { token: ga, body });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(JSON.stringify(r.body)).toContain('month');
    }
    expect((await system.request('POST', '/api/reports/monthly', { token: dept, body: { month: MONTH } })).status).toBe(403);
  });

  test('R-RPT-1: per VM availability, downtime and the VMs created, changed, deleted', () => {
    // rpt-vm01: 1 − 600 / (31 × 86,400) = 99.97760…% → 99.978; 600 s = 10 min; rpt-vm02 has no data.
    expect(figure('vms.availability.rpt-vm01')).toBe(99.978);
    expect(figure('vms.downtime.rpt-vm01')).toBe(10);
    expect(figure('vms.availability.rpt-vm02')).toBeNull();
    expect(table('vms', 'vms').rows.find((r: any) => r.hostname === 'rpt-vm01').incidents).toBe('RPT-INC-1');
    expect([figure('vms.created'), figure('vms.changed'), figure('vms.deleted')]).toEqual([1, 1, 1]);
  });

  test('R-RPT-1: per VM CPU, memory and disk peaks and averages from the daily node_exporter figures, traced to their days', async () => {
    // CPU: (30 × 288 × 20 + 288 × 50) ÷ (31 × 288) = 20.97 → 21.0, peak 95 (5 October).
    // Memory: (30 × 288 × 60 + 144 × 90) ÷ (30 × 288 + 144) = 60.49 → 60.5, peak 90 (20 October). Disk 45 / 45.
    expect([figure('vms.cpu.average.rpt-vm01'), figure('vms.cpu.peak.rpt-vm01')]).toEqual([21, 95]);
    expect([figure('vms.memory.average.rpt-vm01'), figure('vms.memory.peak.rpt-vm01')]).toEqual([60.5, 90]);
    expect([figure('vms.disk.average.rpt-vm01'), figure('vms.disk.peak.rpt-vm01')]).toEqual([45, 45]);
    expect(figure('vms.cpu.peak.rpt-vm02')).toBeNull();
    expect(table('vms', 'vms').rows.find((r: any) => r.hostname === 'rpt-vm01')).toMatchObject({ cpuPeak: 95, cpuAverage: 21, memoryPeak: 90, memoryAverage: 60.5, diskPeak: 45, diskAverage: 45 });
    expect(table('vms', 'vms').columns.map((c: any) => c.labelJa)).toEqual(expect.arrayContaining(['CPU ピーク(%)', 'メモリ 平均(%)', 'ディスク ピーク(%)']));
    expect(report.figures.sections[0].missing.join(' ')).not.toContain('node_exporter');
    const traced = await system.request('GET', `/api/reports/monthly/${reportId}/figures/${encodeURIComponent('vms.cpu.peak.rpt-vm01')}`, { token: ga });
    expect(traced.status).toBe(200);
    expect(traced.body.figure.source.table).toBe('report_vm_resource_daily');
    expect(traced.body.rows).toHaveLength(31);
    expect(traced.body.rows.find((r: any) => r.day === '2026-10-05')).toMatchObject({ hostname: 'rpt-vm01', metric: 'cpu', peak_percent: 95, samples: 288 });
  });

  test('R-RPT-2: incidents by severity, on-site SLA, MTTA/MTTR, backups, maintenance with its notice date', () => {
    expect(figure('platform.availability.rpt-esx01')).toBe(100);
    expect([figure('platform.incidents.critical'), figure('platform.incidents.major'), figure('platform.incidents.minor')]).toEqual([1, 1, 1]);
    expect([figure('platform.onsite_sla.met'), figure('platform.onsite_sla.missed')]).toEqual([1, 1]);
    expect(figure('platform.mtta')).toBe(90); // (30 + 150) / 2 minutes
    expect(figure('platform.mttr')).toBe(660); // (120 + 1,200) / 2 minutes
    expect([figure('platform.backups.run'), figure('platform.backups.failed'), figure('platform.backups.restored')]).toEqual([3, 1, 0]);
    expect(figure('platform.maintenance.done')).toBe(1);
    expect(table('platform', 'maintenance').rows).toEqual([{ number: 'RPT-REQ-2', subject: '件名 RPT-REQ-2', plannedStart: '2026-10-08', stopsService: 'あり', noticeDate: '2026-10-06' }]);
  });

  test('R-RPT-3: use now, month on month, year on year and a 90-day linear forecast, the item running out first listed first', () => {
    // Memory: 189 of 256 GiB = 73.8 %; +31 GiB since 30 September; +1 GiB a day reaches 256 in 67 days → 2027-01-06.
    expect(figure('capacity.rpt-cl:host:rpt-esx01:memory.now')).toBe(73.8);
    expect(figure('capacity.rpt-cl:host:rpt-esx01:memory.mom')).toBe(31);
    expect(figure('capacity.rpt-cl:host:rpt-esx01:memory.yoy')).toBeNull();
    expect(figure('capacity.rpt-cl:host:rpt-esx01:memory.runs_out')).toBe('2027-01-06');
    expect(figure('capacity.rpt-cl:host:rpt-esx01:cpu.now')).toBe(50);
    expect(figure('capacity.rpt-cl:host:rpt-esx01:cpu.runs_out')).toBeNull();
    expect(figure('capacity.rpt-cl:datastore:rpt-ds01:disk.yoy')).toBe(1000);
    const rows = table('capacity', 'capacity').rows.filter((r: any) => String(r.item).startsWith('rpt-cl'));
    expect(rows[0]).toMatchObject({ item: 'rpt-cl:host:rpt-esx01 メモリ', attention: '要注意（6か月以内）', runsOut: '2027-01-06' });
  });

  test('R-RPT-3: the database platform (sizes, no total to invent) and the backup store (use of its file system) in the capacity table', async () => {
    // Backup store: 431 of 1,000.5 GiB = 43.1 %; +31 GiB since 30 September; 1 GiB a day reaches 1,000.5 in 569.5 → 570 days.
    expect(figure('capacity.backup_store:disk.now')).toBe(43.1);
    expect(figure('capacity.backup_store:disk.mom')).toBe(31);
    expect(figure('capacity.backup_store:disk.runs_out')).toBe('2028-05-23');
    // The database platform: 12 GiB used, +2 GiB; no percentage or forecast, since its disk size is not known.
    expect(figure('capacity.database_platform:disk.now')).toBeNull();
    expect(figure('capacity.database_platform:disk.mom')).toBe(2);
    expect(figure('capacity.database_platform:disk.runs_out')).toBeNull();
    const rows = table('capacity', 'capacity').rows;
    expect(rows.find((r: any) => r.item === 'データベース基盤（全データベースの合計）')).toMatchObject({ used: 12, total: '不明', percent: null, runsOut: '予測なし（総量不明）' });
    expect(rows.find((r: any) => r.item === 'バックアップストア')).toMatchObject({ used: 431, total: 1000.5, percent: 43.1, attention: '—' });
    expect(table('capacity', 'databases').rows).toEqual([{ database: 'zeimu', sizeGiB: 12, mom: 2 }]);
    const missing = report.figures.sections[2].missing.join(' ');
    expect(missing).toContain('データベース基盤の総容量');
    expect(missing).not.toContain('バックアップストアの容量');
    const traced = await system.request('GET', `/api/reports/monthly/${reportId}/figures/${encodeURIComponent('capacity.backup_store:disk.mom')}`, { token: ga });
    expect(traced.body.rows.map((r: any) => r.day)).toEqual(['2026-09-30', '2026-10-31']);
  });

  test('R-RPT-4: traffic by link (R-MON-3): the month\'s totals in and out per interface from the daily IF-MIB figures', async () => {
    // In: 30 × 2 GB + 5 GB = 65 GB; out: 31 × 1 GB = 31 GB; the busiest day 10 October.
    expect(figure('work.traffic.rpt-sw01:eth0.in')).toBe(65);
    expect(figure('work.traffic.rpt-sw01:eth0.out')).toBe(31);
    expect(table('work', 'traffic').rows).toEqual([{ device: 'rpt-sw01', interface: 'eth0', inGB: 65, outGB: 31, peakDay: '2026-10-10', days: 31 }]);
    expect(report.figures.sections[3].missing.join(' ')).not.toContain('トラフィック');
    const traced = await system.request('GET', `/api/reports/monthly/${reportId}/figures/${encodeURIComponent('work.traffic.rpt-sw01:eth0.in')}`, { token: ga });
    expect(traced.body.rows).toHaveLength(31);
  });

  test('R-RPT-4: requests received/done/rejected, 3-business-day SLA met %, lead times median and p90 in business days, holds', () => {
    expect([figure('work.received'), figure('work.done'), figure('work.rejected')]).toEqual([6, 4, 1]);
    expect(figure('work.sla_met_percent')).toBe(50); // REQ-1 and REQ-2 of 4
    // Lead times 1, 3, 3 (across Sports Day, Monday 12 October) and 5 business days.
    expect(figure('work.lead_median')).toBe(3);
    expect(figure('work.lead_p90')).toBe(5);
    expect(figure('work.holds')).toBe(1);
    expect(table('work', 'holds').rows).toEqual([{ number: 'RPT-REQ-6', at: '2026-10-30', reason: '依頼者の回答待ち', waitingFor: 'requester' }]);
    const sla = report.figures.charts.find((c: any) => c.id === 'sla_monthly');
    expect(sla.labels).toHaveLength(12);
    expect(sla.series[0].values[11]).toBe(50);
  });

  test('R-RPT-5: open at month end by age, breached, on-hold reasons; no previous report said so', () => {
    expect([figure('open_issues.age_0_7'), figure('open_issues.age_8_30'), figure('open_issues.age_31')]).toEqual([2, 0, 1]);
    expect(figure('open_issues.breached')).toBe(1);
    const open = table('open_issues', 'open').rows;
    expect(open.map((r: any) => r.number)).toEqual(['RPT-INC-0', 'RPT-INC-3', 'RPT-REQ-6']);
    expect(open.find((r: any) => r.number === 'RPT-REQ-6').holdReason).toBe('依頼者の回答待ち');
    expect(report.figures.sections[4].missing.join(' ')).toContain('前月の報告書がない');
    const weekly = report.figures.charts.find((c: any) => c.id === 'incidents_weekly');
    expect(weekly.series[0].values).toEqual([0, 1, 1, 0, 1]);
  });

  test('R-RPT-2: a figure is traced to the rows it was computed from', async () => {
    const r = await system.request('GET', `/api/reports/monthly/${reportId}/figures/${encodeURIComponent('platform.mttr')}`, { token: ga });
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x: any) => x.number)).toEqual(['RPT-INC-1', 'RPT-INC-2']);
    const a = await system.request('GET', `/api/reports/monthly/${reportId}/figures/${encodeURIComponent('vms.availability.rpt-vm01')}`, { token: ga });
    expect(a.body.rows).toHaveLength(31);
    expect(a.body.rows.find((x: any) => x.day === '2026-10-05')).toMatchObject({ failed_samples: 40, down_seconds: 600 });
    const c = await system.request('GET', `/api/reports/monthly/${reportId}/figures/${encodeURIComponent('capacity.rpt-cl:host:rpt-esx01:memory.runs_out')}`, { token: ga });
    expect(c.body.rows).toHaveLength(90);
  });

  test('R-RPT-1..5: the workbook reads back with its sheets, Japanese headers, A4 landscape and charts; the PDF has pages', async () => {
    const x = await system.request('GET', `/api/reports/monthly/${reportId}/files/xlsx`, { token: ga });
    expect(x.status).toBe(200);
    const response = await fetch(`${system.baseUrl}/api/reports/monthly/${reportId}/files/xlsx`, { headers: { authorization: `Bearer ${ga}` } });
    const xlsx = Buffer.from(await response.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['表紙', '1 仮想マシン', '2 基盤', '3 キャパシティ', '4 作業実績', '5 未解決課題']);
    const work = wb.getWorksheet('4 作業実績')!;
    expect(work.getRow(3).values).toEqual([undefined, '項目', '値', '単位', '出典（表・算出方法・行数）']);
    const values: Record<string, unknown> = {};
    work.eachRow((row) => (values[row.getCell(1).text] = row.getCell(2).value));
    expect(values['3営業日SLA 達成率']).toBe(50);
    expect(values['リードタイム 90パーセンタイル']).toBe(5);
    expect(work.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape' });
    const vmCells: unknown[] = [];
    wb.getWorksheet('1 仮想マシン')!.eachRow((row) => vmCells.push(...(row.values as unknown[])));
    expect(vmCells).toEqual(expect.arrayContaining(['CPU ピーク(%)', 'ディスク 平均(%)', 95, 60.5]));
    const capacityCells: unknown[] = [];
    wb.getWorksheet('3 キャパシティ')!.eachRow((row) => capacityCells.push(...(row.values as unknown[])));
    expect(capacityCells).toEqual(expect.arrayContaining(['バックアップストア', 'データベース別サイズ（2026-10-31 時点）', '予測なし（総量不明）']));
    expect(wb.getWorksheet('2 基盤')!.getImages()).toHaveLength(2);
    expect(wb.getWorksheet('3 キャパシティ')!.getImages()).toHaveLength(1);
    const pdfResponse = await fetch(`${system.baseUrl}/api/reports/monthly/${reportId}/files/pdf`, { headers: { authorization: `Bearer ${ga}` } });
    const pdf = Buffer.from(await pdfResponse.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(6); // the cover and one page or more per section
  });

  test('R-RPT-1..5: the comments and approve_report steps are validated Updates; send back, comment again, approve, mailed to general affairs', async () => {
    const comments = { vms: 'VMの所見', platform: '基盤の所見', capacity: 'メモリ増設を提案', work: '作業の所見', open_issues: '課題の所見' };
    expect((await system.request('POST', `/api/reports/monthly/${reportId}/comments`, { token: ga, body: { comments } })).status).toBe(403);
    const missing = await system.request('POST', `/api/reports/monthly/${reportId}/comments`, { token: op, body: { comments: { ...comments, work: '' } } });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body)).toContain('comments.work');
    expect((await system.request('POST', `/api/reports/monthly/${reportId}/decision`, { token: ga, body: { outcome: 'approve' } })).status).toBe(409);
    const commented = await system.request('POST', `/api/reports/monthly/${reportId}/comments`, { token: op, body: { comments } });
    expect(commented.status).toBe(201);
    expect(commented.body.status).toBe('approval');
    const noReason = await system.request('POST', `/api/reports/monthly/${reportId}/decision`, { token: ga, body: { outcome: 'send_back' } });
    expect(noReason.status).toBe(422);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    expect((await system.request('POST', `/api/reports/monthly/${reportId}/decision`, { token: op, body: { outcome: 'approve' } })).status).toBe(403);
    const sentBack = await system.request('POST', `/api/reports/monthly/${reportId}/decision`, { token: ga, body: { outcome: 'send_back', reason: 'キャパシティの所見に対策の時期を' } });
    expect(sentBack.status).toBe(201);
    expect(sentBack.body.sendBacks).toEqual([expect.objectContaining({ reason: 'キャパシティの所見に対策の時期を' })]);
    await waitForStatus(reportId, 'commenting');
    const again = await system.request('POST', `/api/reports/monthly/${reportId}/comments`, { token: op, body: { comments: { ...comments, capacity: '12月中にメモリ増設を提案' } } });
    expect(again.status).toBe(201);
    const approved = await system.request('POST', `/api/reports/monthly/${reportId}/decision`, { token: ga, body: { outcome: 'approve' } });
    expect(approved.status).toBe(201);
    const [mail] = await system.smtp.waitFor((m) => m.subject.includes('月次報告書') && m.subject.includes('2026年10月'), { timeoutMs: 60_000 });
    expect(mail.to).toEqual([system.config.generalAffairsMailbox]);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.attachments.map((a) => a.filename)).toEqual([`monthly-report-${MONTH}-r1.xlsx`, `monthly-report-${MONTH}-r1.pdf`]);
    const final = await waitForStatus(reportId, 'approved');
    expect(final.approvedBy).toBeTruthy();
    expect(final.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['commented', 'sent_back', 'approved', 'mailed']));
    const finalXlsx = parsed.attachments[0].content;
    expect(final.files.find((f: any) => f.stage === 'final' && f.kind === 'xlsx').sha256).toBe(sha(finalXlsx));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(finalXlsx as unknown as ExcelJS.Buffer);
    const cells: string[] = [];
    wb.getWorksheet('3 キャパシティ')!.eachRow((row) => cells.push(row.getCell(1).text));
    expect(cells).toContain('12月中にメモリ増設を提案');
  }, 120_000);

  test('R-RPT-5: the next month carries over last month\'s open issues and says what became of them', async () => {
    const next = await system.request('POST', '/api/reports/monthly', { token: ga, body: { month: '2026-11' } });
    expect(next.status).toBe(201);
    report = await waitForStatus(next.body.reportId, 'commenting');
    expect(figure('open_issues.carried_over')).toBe(3);
    expect(table('open_issues', 'carried').rows).toEqual([
      { number: 'RPT-INC-0', outcome: '未完了（継続）' }, { number: 'RPT-INC-3', outcome: '未完了（継続）' }, { number: 'RPT-REQ-6', outcome: '未完了（継続）' },
    ]);
    // November has no monitoring rows: the report says so instead of showing 100 % or made-up use.
    expect(report.figures.sections[0].missing.join(' ')).toContain('監視データなし');
    expect(report.figures.sections[0].missing.join(' ')).toContain('node_exporter');
    expect(report.figures.sections[3].missing.join(' ')).toContain('回線別トラフィック');
    expect(report.figures.sections[2].missing.join(' ')).toContain('データベース基盤の容量');
    expect(figure('vms.cpu.peak.rpt-vm01')).toBeNull();
    expect(figure('vms.availability.rpt-vm01')).toBeNull();
  }, 120_000);

  test('R-RPT-1..5: a report regenerated from the same data has the same figures and the same file hashes', async () => {
    const again = await system.request('POST', '/api/reports/monthly', { token: op, body: { month: MONTH } });
    expect(again.status).toBe(201);
    expect(again.body.revision).toBe(2);
    const second = await waitForStatus(again.body.reportId, 'commenting');
    const first = (await system.request('GET', `/api/reports/monthly/${reportId}`, { token: ga })).body;
    expect(second.figuresSha256).toBe(first.figuresSha256);
    const drafts = (r: any) => r.files.filter((f: any) => f.stage === 'draft').map((f: any) => `${f.kind}:${f.sha256}`);
    expect(drafts(second)).toEqual(drafts(first));
  }, 120_000);

  test('R-RPT-4/5: departments see only their own department when general affairs says so (a setting)', async () => {
    const own = (await system.request('GET', `/api/reports/monthly/${reportId}`, { token: dept })).body;
    const rows = own.figures.sections.find((s: any) => s.id === 'work').tables.find((t: any) => t.id === 'by_type').rows;
    expect(rows.every((r: any) => r.department === '税務課')).toBe(true);
    expect((await system.request('GET', `/api/reports/monthly/${reportId}/files/pdf`, { token: dept })).status).toBe(403);
    expect((await system.request('PUT', '/api/reports/settings', { token: dept, body: { departmentsSeeOthers: true } })).status).toBe(403);
    expect((await system.request('PUT', '/api/reports/settings', { token: ga, body: { departmentsSeeOthers: 'yes' } })).status).toBeGreaterThanOrEqual(400);
    expect((await system.request('PUT', '/api/reports/settings', { token: ga, body: { departmentsSeeOthers: true } })).status).toBe(200);
    expect((await system.request('GET', `/api/reports/monthly/${reportId}/files/pdf`, { token: dept })).status).toBe(200);
  });

  test('R-RPT-1..5: the Temporal Schedule exists on the dev server with 09:00 JST on days 1–10 (the calendar picks the first business day)', async () => {
    const connection = await Connection.connect({ address: process.env.OPSDESK_TEST_TEMPORAL_ADDRESS });
    const client = new TemporalClient({ connection });
    const queue = `${system.config.temporal.taskQueue}-schedule`;
    try {
      await ensureReportSchedules(client, queue, system.config.temporal.workflowIdPrefix);
      await ensureReportSchedules(client, queue, system.config.temporal.workflowIdPrefix); // idempotent
      const described = await client.schedule.getHandle(reportScheduleIds(queue).monthly).describe();
      expect(described.spec.timezone).toBe('Asia/Tokyo');
      expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 9, end: 9, step: 1 }], dayOfMonth: [{ start: 1, end: 10, step: 1 }] });
      expect(described.action).toMatchObject({ workflowType: 'monthlyReportScheduleWorkflow' });
      for (const at of described.info.nextActionTimes) {
        const wall = new Date(at.getTime() + 9 * 3_600_000);
        expect(wall.getUTCHours()).toBe(9);
        expect(wall.getUTCDate()).toBeLessThanOrEqual(10);
      }
      const daily = await client.schedule.getHandle(reportScheduleIds(queue).daily).describe();
      expect(daily.action).toMatchObject({ workflowType: 'dailyFiguresWorkflow' });
    } finally {
      for (const id of Object.values(reportScheduleIds(queue))) await client.schedule.getHandle(id).delete().catch(() => undefined);
      await connection.close();
    }
  });
  test('R-RPT-1..5: the scheduled run and the nightly gathering run on the worker: the calendar decides, no Prometheus is said so', async () => {
    const connection = await Connection.connect({ address: process.env.OPSDESK_TEST_TEMPORAL_ADDRESS });
    const client = new TemporalClient({ connection });
    try {
      const prefix = system.config.temporal.workflowIdPrefix;
      const plan = await client.workflow.execute('monthlyReportScheduleWorkflow', { taskQueue: system.config.temporal.taskQueue, workflowId: `${prefix}schedule-probe`, args: [{}] });
      const now = new Date();
      const wall = new Date(now.getTime() + 9 * 3_600_000);
      const calendar = new BusinessCalendar();
      const first = firstBusinessDayOfMonth(wall.getUTCFullYear(), wall.getUTCMonth() + 1, (d) => calendar.isBusinessDay(d));
      expect(plan).toMatchObject({ firstBusinessDay: first, month: reportedMonth(now), run: wall.toISOString().slice(0, 10) === first });
      const gathered = await client.workflow.execute('dailyFiguresWorkflow', { taskQueue: system.config.temporal.taskQueue, workflowId: `${prefix}daily-probe`, args: [{}] });
      expect(gathered).toMatchObject({ prometheus: false, daysGathered: 0, reason: 'PROMETHEUS_URL is not set' });
      // The VM resource, traffic and storage gathering runs too: without Prometheus it says so; yesterday's storage is sampled.
      expect(gathered.dailyFigures).toMatchObject({ prometheus: false, reason: 'PROMETHEUS_URL is not set', storage: { sampled: true } });
    } finally {
      await connection.close();
    }
  });
});
