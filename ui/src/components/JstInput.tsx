import { useEffect, useState, type InputHTMLAttributes } from 'react';
import { displayJstInput, parseJstInput, type JstInputKind } from '../lib/format';

/**
 * Date and time inputs in the one Japanese format of the UI (YYYY/MM/DD, 24-hour HH:mm), whatever
 * the browser's locale: <input type="date|time|datetime-local"> shows mm/dd/yyyy and AM/PM on an
 * English browser, so these are text inputs that read what people type (full-width digits, /, -
 * or a T between date and time are all accepted) and hand the page the same values the native
 * inputs did: 'YYYY-MM-DDTHH:mm', 'YYYY-MM-DD' or 'HH:mm'. Text that is not a date yet is passed
 * on as typed, so the page's own check names the field.
 */
const PLACEHOLDER: Record<JstInputKind, string> = { datetime: 'YYYY/MM/DD HH:mm', date: 'YYYY/MM/DD', time: 'HH:mm' };

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
