import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MAIL_TEMPLATE_NAMES,
  MAX_SUBJECT_LENGTH,
  escapeHtml,
  renderMail,
  type RenderedMail,
} from '../../src/mail/templates';
import type { MailTemplate, MailTemplateInput, MailTemplateName } from '../../workflows/shared/contracts';
import { formatJstEn, formatJstJa } from '../../workflows/shared/jst';

// ---------------------------------------------------------------------------
// fixtures: one valid input per template (the mapped type makes a new template fail to compile
// here until it has a fixture and its expected subject)
// ---------------------------------------------------------------------------

const PUBLIC_URL = 'https://opsdesk.example.lg.jp';
const CONTEXT = { publicUrl: PUBLIC_URL };
const base = { caseNumber: 'INC-2026-0042', caseSubject: 'db01 ディスク障害' };
const wrBase = { caseNumber: 'WR-2026-0007', caseSubject: '財務会計システム用 VM の払い出し' };

const FIXTURES: { [K in MailTemplateName]: MailTemplateInput<K> } = {
  'incident.received': {
    template: 'incident.received', ...base,
    hostname: 'db01.platform.local', severity: 'major', detectedAt: '2026-12-25T01:00:00Z', summary: 'RAID の縮退を検知',
    unregisteredDevice: false, onsiteDueAt: '2026-12-25T03:00:00Z', businessSystems: ['財務会計システム', '文書管理システム'], departments: ['財政課', '総務課'],
  },
  'incident.urgent_consultation': {
    template: 'incident.urgent_consultation', ...base, detectedAt: '2026-12-26T13:10:00Z', severity: 'critical', summary: '仮想化基盤のホスト 2 台が応答なし',
  },
  'incident.vendor_escalation': {
    template: 'incident.vendor_escalation', ...base, vendorName: '富士山ストレージ株式会社', findings: 'ディスク 3 番の故障', impactScope: 'DB 基盤全体（冗長構成で継続中）', serviceStopped: false,
  },
  'incident.vendor_request': {
    template: 'incident.vendor_request', ...base, hostname: 'db01.platform.local', address: '10.0.1.21', assetKind: 'ストレージ装置',
    findings: 'ディスク 3 番の故障', impactScope: 'DB 基盤', serviceStopped: true, contactName: '運用 太郎', contactEmail: 'unyo@example.co.jp', contactPhone: '03-0000-0000',
  },
  'incident.vendor_silence_reminder': {
    template: 'incident.vendor_silence_reminder', ...base, vendorName: '富士山ストレージ株式会社', silentSince: '2026-12-21T00:30:00Z', businessHours: 8.75,
  },
  'incident.recovered': { template: 'incident.recovered', ...base, verifiedBy: '運用 太郎', note: 'ディスク交換後、再同期完了' },
  'case.verification_request': { template: 'case.verification_request', ...base, kind: 'incident', departmentName: '財政課', what: 'ディスクを交換し、RAID を再構築しました' },
  'case.completed': { template: 'case.completed', ...base, kind: 'incident', approver: '総務 花子', completedAt: '2027-01-05T06:00:00Z', summary: 'ディスク交換により復旧' },
  'case.approval_rejected': { template: 'case.approval_rejected', ...base, approver: '総務 花子', reason: '対応内容の記録が不足しています' },
  'case.verification_failed': { template: 'case.verification_failed', ...base, departmentName: '財政課', reason: 'バッチ処理が失敗します' },
  'sla.warning': { template: 'sla.warning', ...wrBase, kind: 'work_request', slaKind: 'resolution', percent: 75, dueAt: '2027-01-07T08:15:00Z' },
  'sla.breach': { template: 'sla.breach', ...base, kind: 'incident', slaKind: 'onsite', dueAt: '2026-12-25T03:00:00Z', breachedAt: '2026-12-25T03:00:05Z' },
  'work_request.submitted': {
    template: 'work_request.submitted', ...wrBase, requestType: 'vm_provision', requestTypeLabelJa: '仮想マシンの払い出し',
    requesterName: '財政 次郎', departmentName: '財政課', desiredDate: '2027-01-15', note: 'CPU 4 コア、メモリ 16GB',
  },
  'work_request.accepted': { template: 'work_request.accepted', ...wrBase, requestTypeLabelJa: '仮想マシンの払い出し', dueAt: '2027-01-07T08:15:00Z', acceptedBy: '総務 花子' },
  'work_request.rejected': { template: 'work_request.rejected', ...wrBase, reason: '予算の範囲外のため', decidedBy: '総務 花子' },
  'work_request.returned': { template: 'work_request.returned', ...wrBase, reason: 'OS の種類をご記入ください', decidedBy: '総務 花子' },
  'work_request.plan_confirmed': {
    template: 'work_request.plan_confirmed', ...wrBase, plannedStart: '2027-01-12T01:00:00Z', plannedEnd: '2027-01-12T03:00:00Z',
    content: 'VM の作成とネットワーク設定', stopsService: false, approvedBy: '総務 花子',
  },
  'maintenance.notice': {
    template: 'maintenance.notice', ...wrBase, when: 'week_before', plannedStart: '2027-02-06T13:00:00Z', plannedEnd: '2027-02-06T21:00:00Z',
    content: '仮想化基盤のバージョンアップ', businessSystems: ['財務会計システム'],
  },
  'case.phone_followup': { template: 'case.phone_followup', ...base, calledAt: '2026-12-25T02:15:00Z', counterpart: '総務課 総務 花子様', summary: '本日中にディスク交換を実施することで合意', loggedBy: '運用 太郎' },
  'case.hold': { template: 'case.hold', ...wrBase, reason: '依頼内容の確認中', by: '運用 太郎', waitingFor: 'requester' },
  'case.resumed': { template: 'case.resumed', ...wrBase, reason: '回答をいただいたため', by: '運用 太郎', waitingFor: 'requester' },
  'case.follower_notice': { template: 'case.follower_notice', ...base, step: 'closed', kind: 'incident', followerName: '業務ベンダー 佐藤', fromCaseNumber: 'INQ-2026-0003', resolution: 'completed', summary: 'ディスクを交換しました' },
  'inquiry.notice': { template: 'inquiry.notice', caseNumber: 'INQ-2026-0003', caseSubject: '税務システムが遅い', step: 'answered', askerName: '税務 花子', message: '再起動で解消しました' },
};

/** Expected subject parts, written independently of the implementation (the brief's wording). */
const SUBJECTS: Record<MailTemplateName, [ja: string, en: string]> = {
  'incident.received': ['障害を受け付けました', 'Incident received'],
  'incident.urgent_consultation': ['時間外の緊急障害：対応方針のご相談', 'Out-of-hours critical incident: how to respond'],
  'incident.vendor_escalation': ['メーカー保守窓口へ修理を依頼しました', "Repair requested from the maker's desk"],
  'incident.vendor_request': ['修理対応のお願い', 'Repair request'],
  'incident.vendor_silence_reminder': ['メーカーからの連絡が途絶えています', 'No word from the maker'],
  'incident.recovered': ['基盤の動作が回復しました', 'Platform recovered'],
  'case.verification_request': ['動作確認のお願い', 'Please verify'],
  'case.completed': ['対応が完了しました', 'Completed'],
  'case.approval_rejected': ['完了承認が差し戻されました', 'Completion rejected'],
  'case.verification_failed': ['動作確認で問題が報告されました', 'Verification failed'],
  'sla.warning': ['SLA期限の75%が経過しました', '75% of the SLA time used'],
  'sla.breach': ['SLA期限を超過しました', 'SLA breached'],
  'work_request.submitted': ['作業依頼を受け付けました（総務課確認待ち）', 'Work request submitted'],
  'work_request.accepted': ['作業依頼を受領しました（3営業日以内に完了）', 'Work request accepted'],
  'work_request.rejected': ['作業依頼は却下されました', 'Work request rejected'],
  'work_request.returned': ['作業依頼が差し戻されました（追記のお願い）', 'Returned for more information'],
  'work_request.plan_confirmed': ['作業計画が承認されました', 'Work plan confirmed'],
  'maintenance.notice': ['【サービス停止を伴う作業のお知らせ】', 'Planned maintenance with service stop'],
  'case.phone_followup': ['電話連絡の内容（事後報告）', 'Report of a phone call'],
  'case.hold': ['対応を保留しました', 'On hold'],
  'case.resumed': ['対応を再開しました', 'Resumed'],
  'inquiry.notice': ['お問い合わせへの回答', 'Answer to your inquiry'],
  'case.follower_notice': ['お問い合わせの案件が完了しました', 'Your case is closed'],
};

const ALL = MAIL_TEMPLATE_NAMES.map((name) => [name, FIXTURES[name]] as const);

const render = (input: MailTemplate, publicUrl = PUBLIC_URL): RenderedMail => renderMail(input, { publicUrl });
const caseLink = (input: MailTemplate) => `${PUBLIC_URL}/cases/${input.caseNumber}`;

const TIME_ZONES = ['UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Pacific/Chatham', 'Pacific/Kiritimati'];

/** Date methods that read the process time zone (or the clock); none may be used. */
const LOCAL_TIME_METHODS = [
  'getFullYear', 'getMonth', 'getDate', 'getDay', 'getHours', 'getMinutes', 'getSeconds', 'getTimezoneOffset',
  'toString', 'toDateString', 'toTimeString', 'toLocaleString', 'toLocaleDateString', 'toLocaleTimeString',
] as const;

// ---------------------------------------------------------------------------

describe('mail templates', () => {
  it('has a fixture and an expected subject for every template, and nothing else', () => {
    expect([...MAIL_TEMPLATE_NAMES].sort()).toEqual(Object.keys(FIXTURES).sort());
    expect(MAIL_TEMPLATE_NAMES).toHaveLength(23);
  });

  describe.each(ALL)('%s', (name, input) => {
    const mail = render(input);
    const [ja, en] = SUBJECTS[name];

    it('R-CONTACT-1: the subject carries the case number, the Japanese and English subject parts, and the case subject', () => {
      expect(mail.subject).toBe(`【opsdesk】${input.caseNumber} ${ja} / ${en}: ${input.caseSubject}`);
    });

    it('text: salutation and Japanese first, the separator, English, then the link and the footer', () => {
      const [jaPart, enPart, ...rest] = mail.text.split('\n---- English ----\n');
      expect(rest).toHaveLength(0);
      expect(enPart).toBeDefined();
      expect(jaPart).toMatch(/(御中|様|各位)/);
      expect(jaPart).toContain('いたします');
      expect(jaPart).toContain(`【案件番号】${input.caseNumber}`);
      expect(jaPart).toContain(caseLink(input));
      expect(enPart).toContain(`- Case number: ${input.caseNumber}`);
      expect(enPart).toMatch(/^\s*Dear /);
      // Ends with the link to the case, then the footer (automatic mail, replies to the desk).
      const tail = mail.text.split('\n').filter((line) => line.trim() !== '').slice(-4);
      expect(tail[0]).toBe(caseLink(input));
      expect(tail[1]).toBe('--');
      expect(tail[2]).toContain('opsdesk（運用保守デスク）から自動送信');
      expect(tail[2]).toContain('運用保守デスク宛て');
      expect(tail[3]).toContain('sent automatically by opsdesk');
      expect(tail[3]).toContain('replies and questions to the desk');
    });

    it('html: an accessible document (lang="ja", a key-facts table, an English section) with the link', () => {
      expect(mail.html.startsWith('<!DOCTYPE html>\n<html lang="ja">')).toBe(true);
      expect(mail.html).toContain('<meta charset="utf-8">');
      expect(mail.html).toContain(`<title>${escapeHtml(mail.subject)}</title>`);
      expect(mail.html).toContain(`<h1 style="font-size:20px;margin:0 0 16px;">${escapeHtml(ja)}</h1>`);
      expect(mail.html).toContain('<section lang="en">');
      expect(mail.html).toMatch(/<table[^>]*>\n<caption[^>]*>概要<\/caption>/);
      expect(mail.html).toContain(`<th scope="row" style="text-align:left;vertical-align:top;padding:6px 12px;border:1px solid #999999;background:#f0f0f0;white-space:nowrap;">案件番号</th>`);
      expect(mail.html).toContain(`<a href="${caseLink(input)}">${caseLink(input)}</a>`);
      expect(mail.html).toContain('<footer');
    });

    it('is pure: the same input renders the same mail, without reading the clock', () => {
      const now = jest.spyOn(Date, 'now').mockImplementation(() => {
        throw new Error('the clock was read');
      });
      try {
        expect(render(input)).toEqual(mail);
      } finally {
        now.mockRestore();
      }
    });
  });

  // -------------------------------------------------------------------------
  describe('Japan time', () => {
    it.each([
      ['2026-12-25T01:00:00Z', '2026年12月25日(金) 10:00', 'Fri 25 Dec 2026 10:00 JST'],
      ['2026-12-25T10:00:00+09:00', '2026年12月25日(金) 10:00', 'Fri 25 Dec 2026 10:00 JST'],
      // Across a date (and year) boundary.
      ['2026-12-31T15:30:00Z', '2027年1月1日(金) 00:30', 'Fri 1 Jan 2027 00:30 JST'],
      ['2026-12-31T14:59:59.999Z', '2026年12月31日(木) 23:59', 'Thu 31 Dec 2026 23:59 JST'],
      ['2027-02-28T15:00:00Z', '2027年3月1日(月) 00:00', 'Mon 1 Mar 2027 00:00 JST'],
      ['2028-02-28T15:00:00Z', '2028年2月29日(火) 00:00', 'Tue 29 Feb 2028 00:00 JST'],
      ['2026-07-01T08:15:00-05:00', '2026年7月1日(水) 22:15', 'Wed 1 Jul 2026 22:15 JST'],
      // A naive date-time is Japan time, a date alone is that calendar date.
      ['2026-12-25T10:00', '2026年12月25日(金) 10:00', 'Fri 25 Dec 2026 10:00 JST'],
      ['2027-01-15', '2027年1月15日(金)', 'Fri 15 Jan 2027'],
    ])('%s → %s / %s', (iso, ja, en) => {
      expect(formatJstJa(iso)).toBe(ja);
      expect(formatJstEn(iso)).toBe(en);
    });

    it('uses no local-time Date method (so the process TZ cannot matter)', () => {
      const proto = Date.prototype as unknown as Record<string, unknown>;
      const saved = LOCAL_TIME_METHODS.map((name) => [name, proto[name]] as const);
      for (const name of LOCAL_TIME_METHODS) {
        proto[name] = () => {
          throw new Error(`Date.prototype.${name} reads the process time zone`);
        };
      }
      try {
        for (const [, input] of ALL) render(input);
        expect(formatJstJa('2026-12-31T15:30:00Z')).toBe('2027年1月1日(金) 00:30');
      } finally {
        for (const [name, fn] of saved) proto[name] = fn;
      }
    });

    it(`renders every template identically in child processes run with TZ=${TIME_ZONES.join(', ')}`, () => {
      // jest gives tests a copy of process.env, so TZ cannot be switched in-process: transpile the
      // module (and the shared labels it imports) and render every fixture in child processes.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ts = require('typescript') as typeof import('typescript');
      const root = path.resolve(__dirname, '../..');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-mail-'));
      try {
        const templates = fs.readdirSync(path.join(root, 'src/mail/templates')).filter((f) => f.endsWith('.ts')).map((f) => `src/mail/templates/${f.slice(0, -3)}`);
        for (const file of [...templates, 'workflows/shared/case-model', 'workflows/shared/jst', 'workflows/shared/roles']) {
          const source = fs.readFileSync(path.join(root, `${file}.ts`), 'utf8');
          const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
          fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
          fs.writeFileSync(path.join(dir, `${file}.js`), out.outputText);
        }
        const inputs = ALL.map(([, input]) => ({ ...input, caseSubject: `${input.caseSubject} 2026-12-31T15:30:00Z` }));
        const edge = { ...FIXTURES['incident.urgent_consultation'], detectedAt: '2026-12-31T15:30:00Z' };
        const battery = `
          const { renderMail } = require(${JSON.stringify(path.join(dir, 'src/mail/templates/index.js'))});
          const inputs = ${JSON.stringify([...inputs, edge])};
          process.stdout.write(JSON.stringify({
            tzOffset: new Date('2026-07-01T00:00:00Z').getTimezoneOffset(),
            mails: inputs.map((input) => renderMail(input, { publicUrl: ${JSON.stringify(PUBLIC_URL)} })),
          }));
        `;
        const run = (tz: string) =>
          JSON.parse(execFileSync(process.execPath, ['-e', battery], { env: { PATH: process.env.PATH ?? '', TZ: tz }, encoding: 'utf8' })) as {
            tzOffset: number;
            mails: RenderedMail[];
          };
        const results = TIME_ZONES.map(run);
        // The children really ran in different zones.
        expect(results.map((r) => r.tzOffset)).toEqual([0, -540, 420, -765, -840]);
        const expected = [...inputs, edge].map((input) => render(input));
        for (const [i, result] of results.entries()) {
          expect([TIME_ZONES[i], result.mails]).toEqual([TIME_ZONES[i], expected]);
        }
        const boundary = results[2].mails[inputs.length].text;
        expect(boundary).toContain('【検知日時】2027年1月1日(金) 00:30');
        expect(boundary).toContain('- Detected at: Fri 1 Jan 2027 00:30 JST');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('shows an unparsable time verbatim instead of failing the send', () => {
      expect(formatJstJa('not a date')).toBe('not a date');
      expect(formatJstEn('2026-13-45')).toBe('2026-13-45');
      const mail = render({ ...FIXTURES['case.completed'], completedAt: 'someday' });
      expect(mail.text).toContain('【完了日時】someday');
    });

    it('R-REC-7: a work window on one day shows the end as a time only; across days in full', () => {
      const sameDay = render(FIXTURES['work_request.plan_confirmed']);
      expect(sameDay.text).toContain('【作業日時】2027年1月12日(火) 10:00～12:00');
      expect(sameDay.text).toContain('- Planned: Tue 12 Jan 2027 10:00–12:00 JST');
      const overnight = render(FIXTURES['maintenance.notice']);
      expect(overnight.text).toContain('【作業日時】2027年2月6日(土) 22:00 ～ 2027年2月7日(日) 06:00');
      expect(overnight.text).toContain('- When: Sat 6 Feb 2027 22:00 – Sun 7 Feb 2027 06:00 JST');
    });
  });

  // -------------------------------------------------------------------------
  describe('hostile input', () => {
    /** Replaces every string (and string-list element) except `template` with a distinct payload. */
    function hostile(input: MailTemplate): { input: MailTemplate; payloads: string[] } {
      const payloads: string[] = [];
      const payload = (field: string) => {
        const p = `<script>alert("${field}")</script><img src=x onerror='${field}'>&amp;${field}`;
        payloads.push(p);
        return p;
      };
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(input)) {
        if (key === 'template') out[key] = value;
        else if (typeof value === 'string') out[key] = payload(key);
        else if (Array.isArray(value)) out[key] = value.map((_, i) => payload(`${key}${i}`));
        else out[key] = value;
      }
      return { input: out as unknown as MailTemplate, payloads };
    }

    const ALLOWED_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'main', 'section', 'h1', 'h2', 'p', 'br', 'strong', 'table', 'caption', 'tbody', 'tr', 'th', 'td', 'a', 'hr', 'footer']);

    it.each(ALL)('%s: every interpolated value is HTML-escaped, and each one is shown', (_name, fixture) => {
      const { input, payloads } = hostile(fixture);
      const mail = render(input);
      const tags = [...mail.html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase());
      expect(tags.filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
      expect(mail.html).not.toContain('<script');
      expect(mail.html).not.toContain('<img');
      // Attributes are only the ones the layout writes.
      const attributes = [...mail.html.matchAll(/<[a-z0-9]+((?:\s+[a-z-]+="[^"]*")*)\s*>/g)].flatMap((m) =>
        [...m[1].matchAll(/([a-z-]+)="/g)].map((a) => a[1]),
      );
      expect(new Set(attributes)).toEqual(new Set(['lang', 'charset', 'name', 'content', 'style', 'scope', 'href']));
      for (const p of payloads) {
        expect(mail.html).toContain(escapeHtml(p));
        expect(mail.html).not.toContain(p);
        // Plain text is not escaped: the reader sees exactly what was typed.
        expect(mail.text).toContain(p);
      }
    });

    it('escapes the public URL in the link, and makes no link of a non-http(s) URL', () => {
      const input = FIXTURES['case.hold'] as MailTemplate;
      const odd = render(input, 'https://desk.example/"><script>x</script>');
      expect(odd.html).not.toContain('<script');
      expect(odd.html).toContain('href="https://desk.example/&quot;&gt;&lt;script&gt;x&lt;/script&gt;/cases/WR-2026-0007"');
      const js = render(input, 'javascript:alert(1)//');
      expect(js.html).not.toContain('href="javascript');
      expect(js.text).toContain('javascript:alert(1)/cases/WR-2026-0007');
    });

    it('R-CONTACT-1: CR/LF and other control characters never reach the subject (no header injection)', () => {
      for (const [, fixture] of ALL) {
        const mail = render({
          ...fixture,
          caseNumber: 'INC-1\r\nBcc: victim@example.com',
          caseSubject: 'down\r\nX-Injected: yes\n\rmore\u2028line\u0000end\u0085',
        });
        expect(mail.subject).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
        expect(mail.subject).toContain('INC-1 Bcc: victim@example.com ');
        expect(mail.subject.endsWith(': down X-Injected: yes more line end')).toBe(true);
      }
    });

    it('R-REC-1: a long case subject is cut with … so the subject line stays within the limit', () => {
      const longSubject = 'ストレージ装置のコントローラ障害に伴う仮想マシン停止 '.repeat(20);
      const mail = render({ ...FIXTURES['work_request.submitted'], caseSubject: longSubject });
      expect(Array.from(mail.subject).length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      expect(mail.subject.startsWith('【opsdesk】WR-2026-0007 作業依頼を受け付けました（総務課確認待ち） / Work request submitted: ストレージ装置')).toBe(true);
      expect(mail.subject.endsWith('…')).toBe(true);
      // The body keeps the whole subject.
      expect(mail.text).toContain(`【件名】${longSubject.trim()}`);
      // A subject that fits is left alone.
      expect(render(FIXTURES['work_request.submitted']).subject.endsWith(wrBase.caseSubject)).toBe(true);
    });

    it('truncation never splits a surrogate pair', () => {
      const mail = render({ ...FIXTURES['case.hold'], caseSubject: '🚨'.repeat(300) });
      expect(Array.from(mail.subject).length).toBe(MAX_SUBJECT_LENGTH);
      expect(mail.subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    });

    it('rejects an unknown template (a programming error), including prototype names', () => {
      expect(() => renderMail({ ...base, template: 'nope' } as unknown as MailTemplate, CONTEXT)).toThrow('Unknown mail template: nope');
      expect(() => renderMail({ ...base, template: 'constructor' } as unknown as MailTemplate, CONTEXT)).toThrow(/Unknown mail template/);
    });

    it('shows an unknown enum value (from untyped workflow data) as it is, never "undefined"', () => {
      const mail = render({ ...FIXTURES['incident.received'], severity: 'disaster' } as unknown as MailTemplate);
      expect(mail.text).toContain('【重要度】disaster');
      expect(mail.text).not.toContain('undefined');
    });
  });

  // -------------------------------------------------------------------------
  describe('links', () => {
    it('R-CONTACT-1: the link to the case works with or without a trailing slash', () => {
      for (const url of [PUBLIC_URL, `${PUBLIC_URL}/`, `${PUBLIC_URL}//`]) {
        const mail = render(FIXTURES['incident.recovered'], url);
        expect(mail.text).toContain(`${PUBLIC_URL}/cases/INC-2026-0042\n`);
        expect(mail.text).not.toContain('//cases');
      }
    });

    it('encodes an odd case number in the URL path', () => {
      const mail = render({ ...FIXTURES['incident.recovered'], caseNumber: 'INC 1/2?x' });
      expect(mail.text).toContain(`${PUBLIC_URL}/cases/INC%201%2F2%3Fx`);
    });
  });

  // -------------------------------------------------------------------------
  describe('content by requirement', () => {
    it('R-FLOW-1: incident received tells general affairs, with severity label, on-site due and systems', () => {
      const mail = render(FIXTURES['incident.received']);
      expect(mail.text.startsWith('総務課 御中\n')).toBe(true);
      expect(mail.text).toContain('【重要度】重大');
      expect(mail.text).toContain('- Severity: Major');
      expect(mail.text).toContain('【現地到着・一次切り分け開始の期限】2026年12月25日(金) 12:00');
      expect(mail.text).toContain('【影響が想定される業務システム】財務会計システム、文書管理システム');
      expect(mail.text).toContain('【関係する所管課】財政課、総務課');
      expect(mail.text).toContain('【機器台帳】登録済み');
      expect(mail.text).not.toContain('ご注意');
    });

    it('R-FLOW-1: an unregistered device is said clearly in both languages', () => {
      const mail = render({ ...FIXTURES['incident.received'], unregisteredDevice: true, businessSystems: undefined, departments: [] });
      expect(mail.text).toContain('【ご注意】このホスト（db01.platform.local）は機器台帳に登録されていない機器です。');
      expect(mail.text).toContain('Important: This host (db01.platform.local) is NOT registered in the equipment inventory.');
      expect(mail.text).toContain('【機器台帳】未登録');
      expect(mail.html).toContain('<strong>ご注意：</strong>');
      // Optional rows without a value are left out.
      expect(mail.text).not.toContain('影響が想定される業務システム');
      expect(mail.text).not.toContain('関係する所管課');
    });

    it.each(['critical', 'major', 'minor', 'warning', 'info'] as const)('severity %s shows its Japanese label', (severity) => {
      const labels = { critical: '緊急', major: '重大', minor: '軽微', warning: '警告', info: '情報' };
      expect(render({ ...FIXTURES['incident.urgent_consultation'], severity }).text).toContain(`【重要度】${labels[severity]}`);
    });

    it('R-SLA-2: out-of-hours urgency asks general affairs to choose now or next business day, by opsdesk or phone', () => {
      const { text } = render(FIXTURES['incident.urgent_consultation']);
      expect(text).toContain('受付時間外（平日 8:30～17:15 以外）');
      expect(text).toContain('「直ちに対応する」または「翌営業日に対応する」');
      expect(text).toContain('お電話でいただいたご指示は、あらためてメールでご報告いたします');
      expect(text).toContain("'Respond now' or 'Next business day'");
    });

    it('R-FLOW-1: the maker desk request is addressed to the desk, keeps the case number, names the operator', () => {
      const { text } = render(FIXTURES['incident.vendor_request']);
      expect(text.startsWith('メーカー保守窓口 ご担当者様\n')).toBe(true);
      expect(text).toContain('件名の案件番号（INC-2026-0042）を残したまま');
      expect(text).toContain('【担当者】運用 太郎');
      expect(text).toContain('【メールアドレス】unyo@example.co.jp');
      expect(text).toContain('【電話番号】03-0000-0000');
      expect(text).toContain('【サービス停止】あり');
      expect(text).toContain('【アドレス】10.0.1.21');
      const noPhone = render({ ...FIXTURES['incident.vendor_request'], contactPhone: undefined, address: undefined }).text;
      expect(noPhone).not.toContain('電話番号');
      expect(noPhone).not.toContain('お電話');
      expect(noPhone).not.toContain('【アドレス】');
    });

    it('R-FLOW-1: escalation and silence reminder name the maker and the business hours', () => {
      expect(render(FIXTURES['incident.vendor_escalation']).text).toContain('富士山ストレージ株式会社の保守窓口へ修理を依頼しました');
      const silence = render(FIXTURES['incident.vendor_silence_reminder']).text;
      expect(silence).toContain('2026年12月21日(月) 09:30 以降、富士山ストレージ株式会社からの連絡がありません（営業時間で 8.8 時間経過）');
      expect(silence).toContain('since Mon 21 Dec 2026 09:30 JST (8.8 business hours)');
    });

    it('R-FLOW-1: recovery asks general affairs to have the departments verify', () => {
      expect(render(FIXTURES['incident.recovered']).text).toContain('所管課へ動作確認をご依頼くださいますようお願いいたします');
    });

    it('R-FLOW-1/2: the verification request is addressed to the department and fits the kind of case', () => {
      const incident = render(FIXTURES['case.verification_request']).text;
      expect(incident.startsWith('財政課 ご担当者様\n')).toBe(true);
      expect(incident).toContain('基盤が復旧したこと');
      const work = render({ ...FIXTURES['case.verification_request'], kind: 'work_request' }).text;
      expect(work).toContain('ご依頼いただいた下記の作業が完了しました。');
      expect(work).toContain('【種別】作業依頼');
    });

    it('R-REC-8/9: completion names the approver and the completion time', () => {
      const { text } = render(FIXTURES['case.completed']);
      expect(text).toContain('下記の障害対応について、総務課の完了承認をもって対応が完了しました。');
      expect(text).toContain('【承認者】総務 花子');
      expect(text).toContain('【完了日時】2027年1月5日(火) 15:00');
      expect(text).toContain('The incident below is complete');
    });

    it('R-SLA-3: a warning explains the 3-business-day completion deadline and shows the percentage', () => {
      const { text, subject } = render(FIXTURES['sla.warning']);
      expect(subject).toContain('SLA期限の75%が経過しました / 75% of the SLA time used');
      expect(text).toContain('作業完了期限（3営業日）までの時間の 75% が経過しました（期限：2027年1月7日(木) 17:15）');
      expect(text).toContain('作業依頼の受付から3営業日以内');
      expect(text.startsWith('運用保守事業者 ご担当者様\n（写し）総務課 御中\n')).toBe(true);
      expect(render({ ...FIXTURES['sla.warning'], percent: 50 }).subject).toContain('SLA期限の50%が経過しました / 50% of the SLA time used');
    });

    it('R-SLA-1: the on-site deadline is explained (2 hours inside reception hours, next business day outside)', () => {
      const { text } = render(FIXTURES['sla.breach']);
      expect(text).toContain('現地到着（一次切り分け開始）期限（2026年12月25日(金) 12:00）を超過しました');
      expect(text).toContain('検知から2時間以内');
      expect(text).toContain('翌営業日');
      expect(text).toContain('【超過を確認した日時】2026年12月25日(金) 12:00');
    });

    it('R-FLOW-2: a submitted request goes to general affairs (cc the requester) to accept, reject or return', () => {
      const { text } = render(FIXTURES['work_request.submitted']);
      expect(text.startsWith('総務課 御中\n（写し）財政課 財政 次郎 様\n')).toBe(true);
      expect(text).toContain('【依頼の種類】仮想マシンの払い出し');
      expect(text).toContain('- Request type: 仮想マシンの払い出し (vm_provision)');
      expect(text).toContain('【希望日】2027年1月15日(金)');
      expect(text).toContain('「受け付ける」「却下」「差し戻し（情報不足）」');
    });

    it('R-SLA-3: an accepted request states the 3-business-day due time', () => {
      const { text } = render(FIXTURES['work_request.accepted']);
      expect(text).toContain('受付から3営業日以内（2027年1月7日(木) 17:15 まで）');
      expect(text).toContain('【完了期限】2027年1月7日(木) 17:15');
    });

    it('R-FLOW-2: rejected and returned requests give the reason and who decided', () => {
      const rejected = render(FIXTURES['work_request.rejected']).text;
      expect(rejected.startsWith('ご依頼者様\n')).toBe(true);
      expect(rejected).toContain('【却下の理由】予算の範囲外のため');
      const returned = render(FIXTURES['work_request.returned']).text;
      expect(returned).toContain('【追記をお願いしたい内容】OS の種類をご記入ください');
      expect(returned).toContain('再提出をお願いいたします');
    });

    it('R-REC-7/8: a confirmed plan that stops a service says so', () => {
      const mail = render({ ...FIXTURES['work_request.plan_confirmed'], stopsService: true });
      expect(mail.text).toContain('【サービス停止】あり');
      expect(mail.text).toContain('【ご注意】この作業はサービスの停止を伴います。');
      expect(render(FIXTURES['work_request.plan_confirmed']).text).not.toContain('ご注意');
    });

    it.each([
      ['confirmed', '作業日程が確定しましたので、お知らせいたします。', 'The schedule of the work below is now fixed.'],
      ['week_before', '1週間前のお知らせです。', 'one week before'],
      ['day_before', '前日のお知らせです。', 'the day before'],
    ] as const)('R-SCHED-1: a maintenance notice (%s) leads with its timing and lists what stops', (when, ja, en) => {
      const { text } = render({ ...FIXTURES['maintenance.notice'], when });
      expect(text.startsWith('関係所管課 ご担当者様\n')).toBe(true);
      expect(text).toContain(ja);
      expect(text).toContain(en);
      expect(text).toContain('下記の業務システムをご利用いただけません');
      expect(text).toContain('【ご利用いただけない業務システム】財務会計システム');
    });

    it('R-SCHED-1: a maintenance notice without named systems still warns', () => {
      const { text } = render({ ...FIXTURES['maintenance.notice'], businessSystems: [] });
      expect(text).toContain('関係する業務システムをご利用いただけない場合があります');
    });

    it('R-CONTACT-1: a phone call is reported by e-mail afterwards with who, when and what', () => {
      const { text } = render(FIXTURES['case.phone_followup']);
      expect(text).toContain('お電話でご連絡した内容を、記録のためメールでご報告いたします');
      expect(text).toContain('【通話日時】2026年12月25日(金) 11:15');
      expect(text).toContain('【通話の相手】総務課 総務 花子様');
      expect(text).toContain('【記録者】運用 太郎');
    });

    it('R-SLA-3: a hold waiting for the requester says the wait does not count; other holds do not', () => {
      expect(render(FIXTURES['case.hold']).text).toContain('作業完了期限（3営業日）に含めません');
      const vendor = render({ ...FIXTURES['case.hold'], waitingFor: 'vendor' }).text;
      expect(vendor).toContain('メーカーからの回答・対応をお待ちしております');
      expect(vendor).not.toContain('含めません');
      const none = render({ ...FIXTURES['case.hold'], waitingFor: undefined }).text;
      expect(none).not.toContain('お待ちしているもの');
      expect(render(FIXTURES['case.resumed']).text).toContain('【再開の理由】回答をいただいたため');
    });

    it('multi-line user text is kept as lines in text and as <br> in HTML', () => {
      const mail = render({ ...FIXTURES['case.approval_rejected'], reason: '1. 記録不足\r\n2. 写真なし' });
      expect(mail.text).toContain('【差し戻しの理由】\n  1. 記録不足\n  2. 写真なし');
      expect(mail.text).toContain('- Reason:\n    1. 記録不足\n    2. 写真なし');
      expect(mail.html).toContain('1. 記録不足<br>\n2. 写真なし');
    });
  });

  it('the module is pure: no Node built-ins, no I/O, no clock', () => {
    const dir = path.join(__dirname, '../../src/mail/templates');
    const files = [...fs.readdirSync(dir).map((f) => path.join(dir, f)), path.join(__dirname, '../../workflows/shared/jst.ts')];
    for (const file of files) {
      const source = fs.readFileSync(file, 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect({ file, imports: imports.filter((i) => !i.startsWith('./') && !i.startsWith('../../../workflows/shared/')) }).toEqual({ file, imports: [] });
      expect(source).not.toMatch(/\brequire\(|Date\.now|new Date\(\)|Intl\.|toLocale|process\./);
    }
  });
});
