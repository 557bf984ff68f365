import { TASK_TYPES } from '../../workflows/shared/task-types';
import { displayJstInput, localiseInstants, parseJstInput } from '../../ui/src/lib/format';
import { taskOutcomeLabel } from '../../ui/src/lib/labels';

/** Issue 22, point 5: one date format in the UI, Japanese date inputs, results that read as results. */
describe('R-UI: wording and dates of the screens (issue 22)', () => {
  test('R-UI: server texts in any of the three styles read as YYYY/MM/DD(曜) HH:mm (Japan time, 24-hour)', () => {
    expect(localiseInstants('期限 2026-12-07T01:30:00.000Z まで', 'ja')).toBe('期限 2026/12/07(月) 10:30 まで');
    expect(localiseInstants('SLA期限（2026-12-07 10:30 JST）を超過しました', 'ja')).toBe('SLA期限（2026/12/07(月) 10:30）を超過しました');
    expect(localiseInstants('タイマー開始（期限: 2026年12月7日(月) 22:05、2時間後）', 'ja')).toBe('タイマー開始（期限: 2026/12/07(月) 22:05、2時間後）');
    expect(localiseInstants('作業日 2027年1月5日(火)', 'ja')).toBe('作業日 2027/01/05(火)');
    expect(localiseInstants('Timer fired (deadline Mon 7 Dec 2026 10:30 JST)', 'en')).toBe('Timer fired (deadline Mon 7 Dec 2026 10:30)');
    expect(localiseInstants('ホスト 2026-12-07 の件（番号 INC-2026-0001）', 'ja')).toBe('ホスト 2026-12-07 の件（番号 INC-2026-0001）');
  });

  test('R-UI: date and time inputs read Japanese typing (YYYY/MM/DD HH:mm, full-width digits) and give the native values; nonsense is not a date', () => {
    expect(parseJstInput('2026/12/07 10:30', 'datetime')).toBe('2026-12-07T10:30');
    expect(parseJstInput('２０２６／１２／７　９：０５', 'datetime')).toBe('2026-12-07T09:05');
    expect(parseJstInput('2026-12-07T10:30', 'datetime')).toBe('2026-12-07T10:30');
    expect(parseJstInput('2026/12/7', 'date')).toBe('2026-12-07');
    expect(parseJstInput('8:30', 'time')).toBe('08:30');
    for (const [text, kind] of [['2026/02/30 10:00', 'datetime'], ['2026/12/07 24:00', 'datetime'], ['12/07/2026', 'date'], ['08:30 AM', 'time'], ['', 'date']] as const) {
      expect(parseJstInput(text, kind)).toBeNull();
    }
    expect(displayJstInput('2026-12-07T10:30', 'datetime')).toBe('2026/12/07 10:30');
    expect(displayJstInput('2026-12-07', 'date')).toBe('2026/12/07');
  });

  test('R-UI: a completed step shows its result, not the button (依頼する → 依頼済み); every outcome has a result label', () => {
    expect(taskOutcomeLabel('request_department_verification', 'requested', 'ja')).toBe('依頼済み');
    expect(taskOutcomeLabel('accept_request', 'accepted', 'ja')).toBe('受付済み');
    expect(taskOutcomeLabel('approve_completion', 'approved', 'en')).toBe('Approved');
    for (const definition of Object.values(TASK_TYPES)) {
      for (const o of definition.outcomes) expect(o.resultJa && o.resultEn).toBeTruthy();
    }
  });

  test('R-UI: the maker desk e-mail belongs to メーカー対応が必要 only', () => {
    const vendorEmail = TASK_TYPES.triage.fields!.find((f) => f.name === 'vendorEmail')!;
    expect(vendorEmail.onlyFor).toEqual(['needs_vendor']);
  });
});
