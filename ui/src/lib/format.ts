/**
 * Dates are shown in Asia/Tokyo whatever the PC's time zone is, and date-time inputs are read as
 * Japan time (the reception hours, the SLA and the work plans are all Japan time).
 */
export type Lang = 'ja' | 'en';

const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const JST_OFFSET_MS = 9 * 3_600_000;

export interface JstParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

/** Japan has no daylight saving time: JST is always UTC+9. */
export function jstParts(value: string | number | Date): JstParts {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
  const d = new Date(ms + JST_OFFSET_MS);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay(),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function fmtDate(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  const p = jstParts(value);
  if (Number.isNaN(p.year)) return value;
  return lang === 'ja'
    ? `${p.year}/${pad(p.month)}/${pad(p.day)}(${WEEKDAYS_JA[p.weekday]})`
    : `${WEEKDAYS_EN[p.weekday]} ${p.day} ${MONTHS_EN[p.month - 1]} ${p.year}`;
}

export function fmtTime(value: string | null | undefined): string {
  if (!value) return '—';
  const p = jstParts(value);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

export function fmtDateTime(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  const p = jstParts(value);
  if (Number.isNaN(p.year)) return value;
  return `${fmtDate(value, lang)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** For CSV: a plain date-time Excel recognises (yyyy/mm/dd hh:mm), Japan time. */
export function fmtCsvDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const p = jstParts(value);
  return `${p.year}/${pad(p.month)}/${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** 'YYYY-MM-DD' of the Japan-time calendar day. */
export function jstDateKey(value: string | number | Date): string {
  const p = jstParts(value);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The value for <input type="datetime-local"> showing this instant in Japan time. */
export function toJstInput(value: string | number | Date): string {
  const p = jstParts(value);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Reads a datetime-local value as Japan time: ISO 8601 with +09:00 (what the API expects). */
export function fromJstInput(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?$/.exec(value.trim());
  if (!m) return null;
  return `${m[1]}T${m[2]}${m[3] ? m[3].slice(0, 3) : ':00'}+09:00`;
}

/** Start of a Japan-time calendar day ('YYYY-MM-DD') as ISO 8601. */
export function jstDayStart(date: string, addDays = 0): string {
  const [y, m, d] = date.split('-').map(Number);
  const ms = Date.UTC(y, m - 1, d + addDays) - JST_OFFSET_MS;
  return new Date(ms).toISOString();
}

/** "2日3時間" / "2 d 3 h": a rough human duration, at most two units. */
export function fmtDuration(ms: number, lang: Lang): string {
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (lang === 'ja') {
    if (days > 0) return hours ? `${days}日${hours}時間` : `${days}日`;
    if (hours > 0) return mins ? `${hours}時間${mins}分` : `${hours}時間`;
    return `${Math.max(mins, abs > 0 && mins === 0 ? 1 : 0)}分`;
  }
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins ? `${hours} h ${mins} min` : `${hours} h`;
  return `${Math.max(mins, abs > 0 && mins === 0 ? 1 : 0)} min`;
}

const ISO_IN_TEXT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})/g;

/** `2026-12-07 10:30 JST`: how the workflows' timeline messages write instants (workflows/shared/jst.ts). */
const JST_LABEL_IN_TEXT = /\b(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) JST\b/g;
/** `2026年12月7日(月) 10:30` or `2026年12月7日(月)`: the mails' style (activities/mail-templates.ts). */
const JA_LONG_IN_TEXT = /(\d{4})年(\d{1,2})月(\d{1,2})日\([日月火水木金土]\)(?:\s?(\d{2}):(\d{2}))?/g;
/** `Fri 25 Dec 2026 10:00 JST`: the mails' English style. */
const EN_LONG_IN_TEXT = /\b((?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}(?: \d{2}:\d{2})?) JST\b/g;

const jstWall = (y: string, mo: string, d: string, h = '00', mi = '00') => Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)) - JST_OFFSET_MS;

/**
 * Texts written by the server (timeline messages, the audit view of a history) carry instants in
 * three styles (ISO in UTC, `2026-12-07 10:30 JST`, `2026年12月7日(月) 10:30`): the UI shows each in
 * its one format, YYYY/MM/DD(曜) HH:mm in Japan time, 24-hour. Texts already stored are covered too.
 */
export function localiseInstants(text: string, lang: Lang): string {
  return text
    .replace(ISO_IN_TEXT, (iso) => (Number.isNaN(Date.parse(iso)) ? iso : fmtDateTime(iso, lang)))
    .replace(JST_LABEL_IN_TEXT, (all, y: string, mo: string, d: string, h: string, mi: string) => {
      const ms = jstWall(y, mo, d, h, mi);
      return Number.isNaN(ms) ? all : fmtDateTime(new Date(ms).toISOString(), lang);
    })
    .replace(JA_LONG_IN_TEXT, (all, y: string, mo: string, d: string, h?: string, mi?: string) => {
      const ms = jstWall(y, mo, d, h, mi);
      if (Number.isNaN(ms)) return all;
      const iso = new Date(ms).toISOString();
      return h ? fmtDateTime(iso, lang) : fmtDate(iso, lang);
    })
    .replace(EN_LONG_IN_TEXT, (_all, en: string) => en);
}

export function minutesToClock(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

export function clockToMinutes(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59) return null;
  return h * 60 + min;
}

/** Like fmtDateTime, with seconds (audit views: the order of events within a minute matters). */
export function fmtDateTimeSeconds(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  const p = jstParts(value);
  if (Number.isNaN(p.year)) return value;
  return `${fmtDate(value, lang)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

// ---------------------------------------------------------------------------
// Date and time inputs in the UI's format (components/JstInput.tsx)

export type JstInputKind = 'datetime' | 'date' | 'time';

function toAscii(text: string): string {
  return text
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[／]/g, '/')
    .replace(/[：]/g, ':')
    .replace(/[－‐]/g, '-')
    .replace(/\u3000/g, ' ')
    .trim();
}

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** What was typed, as the native input's value, or null when it is not (yet) a date / time. */
export function parseJstInput(text: string, kind: JstInputKind): string | null {
  const t = toAscii(text);
  const date = '(\\d{4})[/-](\\d{1,2})[/-](\\d{1,2})';
  const time = '(\\d{1,2}):(\\d{2})';
  const re = kind === 'datetime' ? new RegExp(`^${date}(?:\\s*T\\s*|\\s+)${time}$`) : kind === 'date' ? new RegExp(`^${date}$`) : new RegExp(`^${time}$`);
  const m = re.exec(t);
  if (!m) return null;
  const nums = m.slice(1).map(Number);
  if (kind === 'time') {
    const [h, min] = nums;
    return h <= 23 && min <= 59 ? `${pad(h)}:${pad(min)}` : null;
  }
  const [y, mo, d, h = 0, min = 0] = nums;
  if (!validDate(y, mo, d) || h > 23 || min > 59) return null;
  const ymd = `${y}-${pad(mo)}-${pad(d)}`;
  return kind === 'date' ? ymd : `${ymd}T${pad(h)}:${pad(min)}`;
}

/** The native value ('2026-12-07T10:30') as people read it ('2026/12/07 10:30'). */
export function displayJstInput(value: string, kind: JstInputKind): string {
  if (kind === 'time') return value;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value);
  if (!m) return value;
  const day = `${m[1]}/${m[2]}/${m[3]}`;
  return kind === 'date' || !m[4] ? day : `${day} ${m[4]}:${m[5]}`;
}
