import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SLOW_POLL_MS } from '../../src/database/inbox-dispatcher';
import { recordInboundMail, toPgPlaceholders } from '../../src/mail/inbound/inbox-writer';
import { workflowIds } from '../../workflows/shared/ids';
import { encodedWord, messageId } from '../support/desk-mail';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { eventually } from '../support/eventually';

/**
 * R-FLOW-1 / R-DESK-1: the alert inbox and the desk's mail inbox share one durable-inbox
 * dispatcher (src/database/inbox-dispatcher.ts). Rows written by another process (the mail sink,
 * another API process) wake the API at once through PostgreSQL LISTEN/NOTIFY instead of a poll
 * every second; with the listener's connection cut, the dispatchers fall back to polling and the
 * listener comes back. Every row is handled once. Real PostgreSQL and Temporal.
 */
describe('R-FLOW-1 / R-DESK-1: one durable inbox dispatcher, woken on insert', () => {
  let system: TestSystem;
  let other: Client;

  beforeAll(async () => {
    system = await startTestSystem();
    // "Another process": a connection of its own, as the mail sink and other API processes have.
    other = new Client({ connectionString: system.config.databaseUrl });
    await other.connect();
  });
  afterAll(async () => {
    await other?.end();
    await system?.close();
  });

  const execute = async (sql: string, params: unknown[]) => (await other.query(toPgPlaceholders(sql), params)).rows as Array<Record<string, unknown>>;

  async function listeners(): Promise<number> {
    const { rows } = await other.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'opsdesk-listener'`);
    return rows[0].n as number;
  }


  function mail(subject: string, id: string): Buffer {
    return Buffer.from([
      'From: hayashi@dept.example.jp', 'To: desk@opsdesk.local', `Subject: ${encodedWord(subject, 'UTF-8')}`, `Message-ID: ${id}`,
      'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', `${subject}について教えてください。`, '',
    ].join('\r\n'), 'utf8');
  }

  /** Writes a mail as the sink process does, and returns how long until the API has handled it. */
  async function mailHandledIn(subject: string): Promise<{ ms: number; claimedMs: number; outcome: string; caseNumber: string }> {
    const id = messageId('notify');
    const started = Date.now();
    const recorded = await recordInboundMail(execute, mail(subject, id), { transport: 'smtp', envelopeFrom: 'hayashi@dept.example.jp', envelopeTo: ['desk@opsdesk.local'] });
    // Claimed: a pass picked it up (then handling it opens an inquiry through Temporal).
    await eventually('the mail claimed', async () => {
      const { rows } = await other.query('select 1 from mail_inbox where id = $1 and attempts > 0', [recorded.id]);
      return rows.length > 0;
    }, 30_000);
    const claimedMs = Date.now() - started;
    const row = await eventually('the mail handled', async () => {
      const { rows } = await other.query('select outcome, case_number from mail_inbox where id = $1 and processed_at is not null', [recorded.id]);
      return rows[0] as { outcome: string; case_number: string } | undefined;
    }, 30_000);
    return { ms: Date.now() - started, claimedMs, outcome: row.outcome, caseNumber: row.case_number };
  }

  test('R-DESK-1: a mail row written by another process is handled at once (NOTIFY), well before the fallback poll', async () => {
    await eventually('the listener connected', async () => (await listeners()) === 1, 10_000);
    // Let the first passes settle, so only the notification can start the next one.
    await new Promise((r) => setTimeout(r, 1_500));
    const handled = await mailHandledIn('会議用PCの貸し出し');
    console.log(`[R-DESK-1] mail row from another process picked up after ${handled.claimedMs} ms, its inquiry opened after ${handled.ms} ms (fallback poll ${SLOW_POLL_MS} ms)`);
    expect(handled.outcome).toBe('inquiry');
    expect(handled.caseNumber).toMatch(/^INQ-/);
    expect(handled.claimedMs).toBeLessThan(3_000);
    expect(handled.ms).toBeLessThan(SLOW_POLL_MS / 2);
  });

  test('R-FLOW-1: an alert row written by another API process is handed to Temporal at once through the same dispatcher, once', async () => {
    const alertId = randomUUID();
    const workflowId = workflowIds.alertIncident('vm-zeimu01', 'NotifyProbe', system.config.temporal.workflowIdPrefix);
    const signal = { alertId, status: 'firing', alertName: 'NotifyProbe', hostname: 'vm-zeimu01', severity: 'minor', summary: '別プロセスが受け付けた警報', source: 'test', at: new Date().toISOString(), fingerprint: 'vm-zeimu01-NotifyProbe' };
    await new Promise((r) => setTimeout(r, 1_500));
    const started = Date.now();
    await other.query(
      `insert into alert_inbox (alert_id, idempotency_key, source_name, workflow_id, status, signal, received_at) values ($1, null, 'test', $2, 'firing', $3, now())`,
      [alertId, workflowId, JSON.stringify(signal)],
    );
    const delivered = await eventually('the alert delivered', async () => {
      const { rows } = await other.query(`select outcome, attempts from alert_inbox where alert_id = $1 and delivered_at is not null`, [alertId]);
      return rows[0] as { outcome: string; attempts: number } | undefined;
    }, 30_000);
    const ms = Date.now() - started;
    console.log(`[R-FLOW-1] alert row from another process handed over after ${ms} ms`);
    expect(delivered).toMatchObject({ outcome: 'delivered', attempts: 1 });
    expect(ms).toBeLessThan(SLOW_POLL_MS / 2);
    const incident = await eventually('the incident opened', async () => {
      const { rows } = await other.query(`select number, alert_count from case_record where workflow_id = $1`, [workflowId]);
      return rows[0] as { number: string; alert_count: number } | undefined;
    }, 30_000);
    expect(incident.number).toMatch(/^INC-/);
  });

  test('R-DESK-1 / R-FLOW-1: the listener\'s connection cut — rows written meanwhile are still handled (fast poll), each once, and the listener comes back', async () => {
    await other.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'opsdesk-listener'`);
    const handled = await mailHandledIn('プロジェクタの接続方法');
    expect(handled.outcome).toBe('inquiry');
    expect(handled.ms).toBeLessThan(SLOW_POLL_MS / 2);
    await eventually('the listener back', async () => (await listeners()) === 1, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const again = await mailHandledIn('共有フォルダの容量');
    expect(again.ms).toBeLessThan(SLOW_POLL_MS / 2);
    const { rows } = await other.query(`select count(*)::int as n, count(distinct case_number)::int as cases from mail_inbox where processed_at is not null and outcome = 'inquiry'`);
    expect(rows[0]).toEqual({ n: 3, cases: 3 });
  });
});
