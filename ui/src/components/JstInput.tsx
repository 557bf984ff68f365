import { useEffect, useState, type InputHTMLAttributes } from 'react';


/**
 * Date and time inputs in the one Japanese format of the UI (YYYY/MM/DD, 24-hour HH:mm), whatever
 * the browser's locale: <input type="date|time|datetime-local"> shows mm/dd/yyyy and AM/PM on an
 * English browser, so these are text inputs that read what people type (full-width digits, /, -
 * or a T between date and time are all accepted) and hand the page the same values the native
 * inputs did: 'YYYY-MM-DDTHH:mm', 'YYYY-MM-DD' or 'HH:mm'. Text that is not a date yet is passed
 * on as typed, so the page's own check names the field.
 */
export type JstInputKind = 'datetime' | 'date' | 'time';

const PLACEHOLDER: Record<JstInputKind, string> = { datetime: 'YYYY/MM/DD HH:mm', date: 'YYYY/MM/DD', time: 'HH:mm' };
const pad = (n: number) => String(n).padStart(2, '0');

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

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> & {
  kind: JstInputKind;
  value: string;
  onChange(value: string): void;
};

export function JstInput({ kind, value, onChange, className, ...rest }: Props) {
  const [text, setText] = useState(() => displayJstInput(value, kind));
  // A value set by the page (a reset, a suggestion) replaces the text; the person's own typing does not.
  useEffect(() => {
    if ((parseJstInput(text, kind) ?? text) !== value) setText(displayJstInput(value, kind));
  }, [value, kind]);
  return (
    <input
      {...rest}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      placeholder={PLACEHOLDER[kind]}
      className={`jst-input jst-${kind}${className ? ` ${className}` : ''}`}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseJstInput(e.target.value, kind) ?? e.target.value);
      }}
      onBlur={(e) => {
        const parsed = parseJstInput(text, kind);
        if (parsed) setText(displayJstInput(parsed, kind));
        rest.onBlur?.(e);
      }}
    />
  );
}
