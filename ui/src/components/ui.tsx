import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { ApiError } from '../lib/api';
import { humanMessage, useI18n } from '../lib/i18n';
import { refusalPrefix } from '../lib/problems';
import { SEVERITY_LABELS, STATUS_LABELS } from '../lib/labels';

/** 対応状況: the text is the information; the colour only helps. */
export function StatusBadge({ status }: { status: string }) {
  const { pick } = useI18n();
  const labelText = pick((STATUS_LABELS as Record<string, { ja: string; en: string }>)[status] ?? { ja: status, en: status });
  return <span className={`badge status status-${status}`}>{labelText}</span>;
}

export function SeverityBadge({ severity }: { severity: string | null | undefined }) {
  const { pick } = useI18n();
  if (!severity) return <span className="muted">—</span>;
  const entry = (SEVERITY_LABELS as Record<string, { ja: string; en: string }>)[severity];
  return <span className={`badge severity severity-${severity}`}>{entry ? pick(entry) : severity}</span>;
}

export function KindBadge({ kind }: { kind: 'incident' | 'work_request' | 'inquiry' }) {
  const { tr } = useI18n();
  const label = kind === 'incident' ? tr('障害', 'Incident') : kind === 'inquiry' ? tr('問い合わせ', 'Inquiry') : tr('作業依頼', 'Request');
  return <span className={`badge kind kind-${kind}`}>{label}</span>;
}

/**
 * A refused request in plain words. `onRetry` offers to send it again when the refusal is passing
 * (the platform or the network was down: 503 or no answer); nothing was saved, the input is kept.
 */
export function ErrorBox({ error, title, onRetry }: { error: ApiError | { status: number; message: string } | null; title?: string; onRetry?: () => void }) {
  const { lang, tr } = useI18n();
  if (!error) return null;
  const detail = humanMessage(error.message, lang);
  const passing = error.status === 503 || error.status === 0;
  return (
    <div className="alert alert-error" role="alert">
      <strong>{title ?? refusalPrefix(error.status, lang)}</strong>
      {detail && <p>{detail}</p>}
      {passing && onRetry && (
        <p>
          <button type="button" className="btn btn-secondary btn-small" onClick={onRetry}>{tr('もう一度送信する', 'Send again')}</button>
        </p>
      )}
    </div>
  );
}

export function Notice({ children, kind = 'success' }: { children: ReactNode; kind?: 'success' | 'info' | 'warning' }) {
  return (
    <div className={`alert alert-${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading() {
  const { tr } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      {tr('読み込み中…', 'Loading…')}
    </p>
  );
}

/**
 * A labelled form field. `children` gets the id and the describedby ids to put on the control.
 */
export function Field(props: {
  label: string;
  required?: boolean;
  hint?: ReactNode;
  error?: string | null;
  className?: string;
  children: (control: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean; 'aria-required'?: boolean }) => ReactNode;
}) {
  const { tr } = useI18n();
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${props.error ? 'field-invalid' : ''} ${props.className ?? ''}`}>
      <div className="field-label">
        <label htmlFor={id}>{props.label}</label>
        {/* Screen readers get aria-required on the control; the visible word is for the eye. */}
        {props.required && (
          <span className="req" aria-hidden="true">
            {tr('必須', 'Required')}
          </span>
        )}
      </div>
      {props.children({ id, 'aria-describedby': describedBy, 'aria-invalid': props.error ? true : undefined, 'aria-required': props.required || undefined })}
      {props.hint && (
        <div className="hint" id={hintId}>
          {props.hint}
        </div>
      )}
      {props.error && (
        <div className="field-error" id={errorId}>
          <span aria-hidden="true">⚠ </span>
          {props.error}
        </div>
      )}
    </div>
  );
}

/** A group of checkboxes or radios: fieldset + legend, the error tied to the group. */
export function FieldGroup(props: { legend: string; required?: boolean; error?: string | null; hint?: ReactNode; children: ReactNode; className?: string }) {
  const { tr } = useI18n();
  const id = useId();
  return (
    <fieldset className={`field group ${props.error ? 'field-invalid' : ''} ${props.className ?? ''}`} aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>
        {props.legend}
        {props.required && <span className="req">{tr('必須', 'Required')}</span>}
      </legend>
      {props.children}
      {props.hint && <div className="hint">{props.hint}</div>}
      {props.error && (
        <div className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {props.error}
        </div>
      )}
    </fieldset>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const text = ref.current?.textContent?.trim();
    document.title = text ? `${text} | opsdesk 運用保守デスク` : 'opsdesk 運用保守デスク';
  });
  return (
    <div className="page-title">
      <h1 tabIndex={-1} ref={ref}>
        {children}
      </h1>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/**
 * Previous / next over an offset-paged list. `totalExact: false` (a list that stops counting at a
 * cap) shows "n+" pages and keeps "next" open while pages are full.
 */
export function Pager({ offset, pageSize, total, totalExact = true, onGoto }: { offset: number; pageSize: number; total: number; totalExact?: boolean; onGoto: (offset: number) => void }) {
  const { tr } = useI18n();
  if (total <= pageSize) return null;
  return (
    <nav className="pager" aria-label={tr('ページ送り', 'Pages')}>
      <button type="button" className="btn btn-secondary btn-small" disabled={offset === 0} onClick={() => onGoto(Math.max(0, offset - pageSize))}>
        {tr('← 前へ', '← Previous')}
      </button>
      <span>
        {Math.floor(offset / pageSize) + 1} / {Math.ceil(total / pageSize)}
        {!totalExact && '+'}
      </span>
      <button type="button" className="btn btn-secondary btn-small" disabled={offset + pageSize >= total && totalExact} onClick={() => onGoto(offset + pageSize)}>
        {tr('次へ →', 'Next →')}
      </button>
    </nav>
  );
}
