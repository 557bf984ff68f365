import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BackupRecord } from '../../src/operations/operation.entities';
import { startOperationsSystem, uniq, type OperationsSystem } from './support';
import { eventually } from '../support/eventually';

const DAY_MS = 86_400_000;


// Real servers, shared with the rest of the suite: generous under load.
jest.setTimeout(120_000);

describe('R-SCHED-2 / R-OP-8: backups on Temporal Schedules (cron in Asia/Tokyo, overlap SKIP), pruned by retention', () => {
  let ops: OperationsSystem;
  let temporal: Client;
  const schedules: string[] = [];

  beforeAll(async () => {
    ops = await startOperationsSystem();
    temporal = ops.system.app.get(Client);
  });
  afterAll(async () => {
    for (const id of schedules) await temporal.schedule.getHandle(id).delete().catch(() => undefined);
    await ops?.close();
  });

  test('backup.configure creates (then updates) one schedule per target; a fired run backs up and prunes what retention allows', async () => {
    const name = `sched_${uniq()}`;
    await ops.runActivity(ops.activities.runOperation, ops.input('db.provide', { databaseName: name, sizeClass: 'small', businessSystem: '税務システム' }));
    const configured = (await ops.runActivity(ops.activities.runOperation, ops.input('backup.configure', { target: 'database', targetName: name, schedule: '0 2 * * *', retentionDays: 2 }))).result;
    const scheduleId = configured.results.scheduleId as string;
    schedules.push(scheduleId);
    expect(configured.results).toMatchObject({ target: 'database', targetName: name, cron: '0 2 * * *', timezone: 'Asia/Tokyo', retentionDays: 2 });
    // 02:00 in Tokyo is 17:00 UTC.
    expect(configured.results.nextRuns).toEqual(expect.arrayContaining([expect.stringMatching(/T17:00:00\.000Z$/)]));

    const handle = temporal.schedule.getHandle(scheduleId);
    let described = await handle.describe();
    expect(described.spec.timezone).toBe('Asia/Tokyo');
    expect(described.policies.overlap).toBe('SKIP');
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'backupWorkflow', taskQueue: ops.system.config.temporal.taskQueue });

    // Configuring again updates the same schedule.
    const again = (await ops.runActivity(ops.activities.runOperation, ops.input('backup.configure', { target: 'database', targetName: name, schedule: '30 1 * * 1-5', retentionDays: 3 }))).result;
    expect(again.results.scheduleId).toBe(scheduleId);
    described = await handle.describe();
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 1, end: 1, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
    expect((await ops.operations.scheduler.list()).filter((p) => p.targetName === name)).toHaveLength(1);

    // Old backups in the catalog: two past their retention, one still within it.
    const em = ops.em();
    const old = [5, 4, 1].map((daysAgo) => {
      const id = randomUUID();
      const file = `database/${name}/old-${id.slice(0, 8)}.dump`;
      const path = join(ops.dataDir, 'backups', file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `old backup ${daysAgo}`);
      const finishedAt = new Date(Date.now() - daysAgo * DAY_MS);
      return em.create(BackupRecord, {
        id, key: `old-${id}`, targetKind: 'database', targetName: name, reason: 'scheduled', status: 'succeeded', file, sizeBytes: 12, sha256: 'x',
        retentionDays: 3, expiresAt: new Date(finishedAt.getTime() + 3 * DAY_MS), requestedBy: `schedule:${scheduleId}`, startedAt: finishedAt, finishedAt,
      });
    });
    await em.persistAndFlush(old);

    await handle.trigger();
    const fresh = await eventually('a scheduled backup', () => ops.em().findOne(BackupRecord, { targetName: name, reason: 'scheduled', status: 'succeeded', key: { $like: 'backup:%' } }));
    expect(fresh).toMatchObject({ retentionDays: 3, requestedBy: `schedule:${scheduleId}` });
    expect(fresh.sha256).toMatch(/^[0-9a-f]{64}$/);
    const pruned = await eventually('pruning', async () => {
      const rows = await ops.em().find(BackupRecord, { id: { $in: old.map((o) => o.id) } }, { orderBy: { startedAt: 'asc' } });
      return rows.filter((r) => r.status === 'pruned').length === 2 ? rows : null;
    });
    expect(pruned.map((r) => r.status)).toEqual(['pruned', 'pruned', 'succeeded']);
    expect(pruned.map((r) => existsSync(join(ops.dataDir, 'backups', r.file)))).toEqual([false, false, true]);
    expect(existsSync(join(ops.dataDir, 'backups', fresh.file))).toBe(true);
  });

  test('the schedule fires by itself (a short interval given to it here), and a failed backup is e-mailed to the operators', async () => {
    const vm = `vm-${uniq()}`;
    await ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', { vmName: vm, cpu: 1, memoryGiB: 2, diskGiB: 20, os: 'ubuntu24.04', businessSystem: '住民記録システム' }));
    const configured = (await ops.runActivity(ops.activities.runOperation, ops.input('backup.configure', { target: 'vm', targetName: vm, schedule: '0 3 * * *', retentionDays: 7 }))).result;
    expect(configured).toMatchObject({ simulated: true });
    const scheduleId = configured.results.scheduleId as string;
    schedules.push(scheduleId);
    const handle = temporal.schedule.getHandle(scheduleId);
    // Instead of waiting for 03:00, the schedule is given a 2-second interval.
    await handle.update((previous) => ({ ...previous, spec: { intervals: [{ every: '2s' }] }, action: { type: 'startWorkflow', workflowType: 'backupWorkflow', taskQueue: ops.system.config.temporal.taskQueue, args: [{ targetKind: 'vm', targetName: vm }], workflowId: `backup:vm:${vm}` } }));
    const first = await eventually('a VM backup from the schedule', () => ops.em().findOne(BackupRecord, { targetName: vm, reason: 'scheduled', status: 'succeeded' }));
    expect(first.contents).toMatchObject({ manifest: { vm: { name: vm, cpu: 1 } } });

    // A failing backup: the operators hear of it, once per run.
    await handle.pause('test: wait for the fault');
    // A run still going would make the trigger below an overlap, which the schedule skips (SKIP).
    await eventually('no scheduled run still going', async () => (await handle.describe()).info.runningActions.length === 0);
    await ops.injectFault({ operation: 'export', phase: 'copy', target: vm, kind: 'permanent', remaining: 1, message: 'datastore offline' });
    await handle.trigger();
    const [mail] = await ops.system.smtp.waitFor((m) => m.subject.includes('バックアップ失敗') && m.subject.includes(vm), { timeoutMs: 60_000 });
    expect(mail.to).toEqual(expect.arrayContaining(['op1@ops-contractor.example.jp', 'op2@ops-contractor.example.jp']));
    expect(mail.text).toContain('datastore offline');
    const failed = await eventually('the failed record', () => ops.em().findOne(BackupRecord, { targetName: vm, status: 'failed', failureNotifiedAt: { $ne: null } }));
    expect(failed.error).toContain('datastore offline');
  });
});
