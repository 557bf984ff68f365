import type { ReactNode } from 'react';
import { ApiError } from '../lib/api';
import type { Lang } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { describeProblem } from '../lib/problems';
import { ErrorBox, Field } from './ui';

/**
 * The pieces the admin forms (利用者, 所管課, 機器) share: a labelled text input, a labelled select
 * with a "choose" option, the submit row, and how a refusal lands on its field. The markup is
 * Field's (label, 必須, hint, error tied to the control), so screen readers and tests find the
 * controls by their labels.
 */
export function TextField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  required?: boolean;
  error?: string | null;
  className?: string;
  type?: 'text' | 'email' | 'password' | 'tel';
  spellCheck?: boolean;
  autoComplete?: string;
  placeholder?: string;
}) {
  return (
    <Field label={props.label} required={props.required} error={props.error} className={props.className}>
      {(control) => (
        <input
          {...control}
          type={props.type}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          spellCheck={props.spellCheck}
          autoComplete={props.autoComplete}
          placeholder={props.placeholder}
        />
      )}
    </Field>
  );
}

/** A labelled select whose first option, empty, asks to choose. */
export function SelectField(props: { label: string; value: string; onChange(value: string): void; options: Array<{ value: string; label: string }>; required?: boolean; error?: string | null }) {
  const { tr } = useI18n();
  return (
    <Field label={props.label} required={props.required} error={props.error}>
      {(control) => (
        <select {...control} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          <option value="">{tr('選択してください', 'Choose')}</option>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The refusal that belongs to no field, then the submit button (and Cancel when editing). */
export function FormActions(props: { refusal: ApiError | null; submitLabel: ReactNode; busy: boolean; onCancel?: () => void }) {
  const { tr } = useI18n();
  return (
    <div className="wide">
      <ErrorBox error={props.refusal} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" className="btn btn-secondary" onClick={props.onCancel}>
            {tr('キャンセル', 'Cancel')}
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * Where a refused save goes: under the field the API named (`field`, or the first word of its
 * message) when the form has that field, else in the form's refusal box.
 */
export function placeRefusal(error: unknown, labels: Record<string, string>, lang: Lang): { field: string; message: string } | { refusal: ApiError } {
  const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
  const field = apiError.field ?? (/^(\w+) /.exec(apiError.message)?.[1] ?? '');
  if (labels[field]) return { field, message: describeProblem(apiError.message, labels[field], lang) };
  return { refusal: apiError };
}
