import { workflowIds } from '../../workflows/shared/ids';
import { earliestMaintenanceDate, maintenanceTooSoon } from '../../workflows/shared/maintenance';
import { checkRequestParams, REQUEST_TYPES } from '../../workflows/shared/request-types';
import { checkTaskCompletion, TASK_TYPES } from '../../workflows/shared/task-types';

describe('R-SCHED-1: a service-stopping maintenance is agreed at least one calendar month ahead (Japan time)', () => {
  test.each([
    ['2026-03-15T10:00:00+09:00', '2026-04-15'],
    ['2026-01-31T10:00:00+09:00', '2026-02-28'],
    ['2028-01-31T10:00:00+09:00', '2028-02-29'],
    ['2026-12-20T10:00:00+09:00', '2027-01-20'],
    ['2026-03-31T16:00:00Z', '2026-05-01'], // already 1 April in Tokyo
  ])('confirmed at %s → earliest work date %s', (confirmedAt, earliest) => {
    expect(earliestMaintenanceDate(confirmedAt)).toBe(earliest);
  });

  test('a plan starting on the day one month later is allowed; a day before is refused with the earliest date', () => {
    const confirmedAt = '2026-06-10T09:00:00+09:00';
    expect(maintenanceTooSoon('2026-07-10T00:30:00+09:00', confirmedAt)).toBeNull();
    expect(maintenanceTooSoon('2026-07-09T23:59:00+09:00', confirmedAt)).toBe('2026-07-10');
    // 9 July 15:30 UTC is 10 July 00:30 in Tokyo: the JST date decides.
    expect(maintenanceTooSoon('2026-07-09T15:30:00Z', confirmedAt)).toBeNull();
  });
});

describe('task completion rules (the Update validator and the UI use the same table)', () => {
  test('every task type names a role, outcomes, and only known note rules', () => {
    for (const definition of Object.values(TASK_TYPES)) {
      expect(['general_affairs', 'operator', 'department']).toContain(definition.role);
      expect(definition.outcomes.length).toBeGreaterThan(0);
      for (const outcome of definition.noteRequiredFor ?? []) expect(definition.outcomes.map((o) => o.value)).toContain(outcome);
    }
  });

  test('the first problem names its field', () => {
    expect(checkTaskCompletion('triage', 'fixed', undefined, {})).toMatchObject({ field: 'outcome' });
    expect(checkTaskCompletion('triage', 'resolved', undefined, { findings: 'x' })).toMatchObject({ field: 'data.impactScope' });
    expect(checkTaskCompletion('triage', 'resolved', undefined, { findings: 'x', impactScope: 'y', serviceStopped: 'no' })).toMatchObject({ field: 'data.serviceStopped' });
    expect(checkTaskCompletion('triage', 'resolved', undefined, { findings: 'x', impactScope: 'y', serviceStopped: false, vendorEmail: 'not-mail' })).toMatchObject({ field: 'data.vendorEmail' });
    expect(checkTaskCompletion('triage', 'resolved', undefined, { findings: 'x', impactScope: 'y', serviceStopped: false, extra: 1 })).toMatchObject({ field: 'data.extra' });
    expect(checkTaskCompletion('triage', 'resolved', undefined, { findings: 'x', impactScope: 'y', serviceStopped: false })).toBeNull();
    expect(checkTaskCompletion('approve_completion', 'rejected', '  ', {})).toMatchObject({ field: 'note' });
    expect(checkTaskCompletion('approve_completion', 'rejected', '再確認が必要', {})).toBeNull();
    expect(checkTaskCompletion('plan_work', 'planned', undefined, { plannedStart: '2026-12-01 10:00', plannedEnd: '2026-12-01T12:00:00+09:00', content: 'x', stopsService: false })).toMatchObject({ field: 'data.plannedStart' });
    expect(checkTaskCompletion('request_department_verification', 'requested', undefined, { departmentIds: [] })).toMatchObject({ field: 'data.departmentIds' });
  });
});

describe('work request parameters (R-OP-1..9, R-MNT-3)', () => {
  test('every type has a requirement id, labels in both languages and a checklist', () => {
    expect(REQUEST_TYPES.map((t) => t.type)).toEqual(['vm.provision', 'vm.delete', 'vm.clone', 'vm.resize', 'db.provide', 'db.delete', 'device.stop_start', 'backup.configure', 'backup.restore', 'network.change', 'other']);
    for (const type of REQUEST_TYPES) {
      expect(type.requirement).toMatch(/^R-/);
      expect(type.labelJa && type.labelEn).toBeTruthy();
      expect(type.checklistJa.length).toBe(type.checklistEn.length);
    }
  });

  test('bad parameters are named, good ones pass', () => {
    const vm = { vmName: 'vm-a', cpu: 2, memoryGiB: 4, diskGiB: 40, os: 'rhel9', businessSystem: '税務' };
    expect(checkRequestParams('vm.provision', vm)).toBeNull();
    expect(checkRequestParams('vm.provision', { ...vm, cpu: 2.5 })).toMatchObject({ field: 'params.cpu' });
    expect(checkRequestParams('vm.provision', { ...vm, cpu: 65 })).toMatchObject({ field: 'params.cpu' });
    expect(checkRequestParams('vm.provision', { ...vm, vmName: 'VM_A' })).toMatchObject({ field: 'params.vmName' });
    expect(checkRequestParams('vm.provision', { ...vm, os: 'windows95' })).toMatchObject({ field: 'params.os' });
    expect(checkRequestParams('vm.provision', { ...vm, businessSystem: 'a\u0000b' })).toMatchObject({ field: 'params.businessSystem' });
    expect(checkRequestParams('vm.resize', { vmName: 'vm-a' })).toMatchObject({ field: 'params.cpu' });
    expect(checkRequestParams('db.delete', { databaseName: 'zeimu', confirmName: 'zeimu' })).toBeNull();
    expect(checkRequestParams('db.delete', { databaseName: 'zeimu', confirmName: 'shimin' })).toMatchObject({ field: 'params.confirmName' });
    expect(checkRequestParams('backup.configure', { target: 'database', targetName: 'zeimu', schedule: '0 2 * *', retentionDays: 7 })).toMatchObject({ field: 'params.schedule' });
    expect(checkRequestParams('network.change', { device: 'fw01', change: '許可ルール追加\n443/tcp', reason: '新システム' })).toBeNull();
    expect(checkRequestParams('nope', {})).toMatchObject({ field: 'type' });
    expect(checkRequestParams('other', [])).toMatchObject({ field: 'params' });
  });
});

describe('workflow ids from business keys', () => {
  test('the same host and alert name give the same id, whatever the case and spacing', () => {
    expect(workflowIds.alertIncident('ESX01', 'Host Down')).toBe(workflowIds.alertIncident(' esx01 ', 'host down'));
    expect(workflowIds.alertIncident('esx01', 'HostDown')).not.toBe(workflowIds.alertIncident('esx02', 'HostDown'));
    expect(workflowIds.alertIncident('a:b', 'c')).toBe('incident:alert:a_b:c');
  });
});
