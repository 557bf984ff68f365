import type { ParamSpec, RequestTypeDefinition } from '../../../workflows/shared/request-types';
import { useI18n } from '../lib/i18n';
import { OPTION_LABELS } from '../lib/labels';
import { Field } from './ui';

export type RawParams = Record<string, string | boolean>;

/** Form values → the params object the API checks (numbers as numbers, empty left out). */
export function toParams(definition: RequestTypeDefinition, raw: RawParams): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const spec of definition.params) {
    const value = raw[spec.name];
    if (value === undefined || value === '') continue;
    if (spec.type === 'boolean') {
      params[spec.name] = value === true;
    } else if (spec.type === 'integer') {
      const text = String(value).trim();
      params[spec.name] = /^-?\d+$/.test(text) ? Number(text) : text;
    } else {
      params[spec.name] = value;
    }
  }
  return params;
}

/** The params object → form values (to edit a returned request). */
export function fromParams(definition: RequestTypeDefinition, params: Record<string, unknown> | null | undefined): RawParams {
  const raw: RawParams = {};
  for (const spec of definition.params) {
    const value = params?.[spec.name];
    if (value === undefined || value === null) continue;
    raw[spec.name] = typeof value === 'boolean' ? value : String(value);
  }
  return raw;
}

export function paramLabel(definition: RequestTypeDefinition | undefined, field: string, lang: 'ja' | 'en'): string | null {
  const name = field.replace(/^(data\.)?params\./, '');
  const spec = definition?.params.find((p) => p.name === name);
  return spec ? (lang === 'ja' ? spec.labelJa : spec.labelEn) : null;
}

function hintFor(spec: ParamSpec, lang: 'ja' | 'en'): string | undefined {
  const ja = lang === 'ja';
  const parts: string[] = [];
  if (spec.type === 'integer' && (spec.min !== undefined || spec.max !== undefined)) {
    parts.push(ja ? `${spec.min ?? ''}〜${spec.max ?? ''}の整数` : `a whole number from ${spec.min ?? ''} to ${spec.max ?? ''}`);
  }
  if (spec.pattern === '^[a-z][a-z0-9-]{1,62}$') parts.push(ja ? '英小文字で始まり、英小文字・数字・ハイフン（2〜63文字）' : spec.patternHint ?? '');
  else if (spec.pattern === '^[a-z][a-z0-9_]{1,62}$') parts.push(ja ? '英小文字で始まり、英小文字・数字・アンダースコア（2〜63文字）' : spec.patternHint ?? '');
  else if (spec.patternHint) parts.push(ja ? `形式: ${spec.patternHint.replace('five cron fields, e.g.', 'cron 5項目、例')}` : spec.patternHint);
  if (spec.mustEqual) parts.push(ja ? '確認のため同じ名前をもう一度入力します' : 'type the same name again');
  return parts.filter(Boolean).join(' / ') || undefined;
}

export function ParamsFields(props: {
  definition: RequestTypeDefinition;
  values: RawParams;
  onChange(values: RawParams): void;
  errors: Record<string, string>;
  /** Prefix of the error keys: 'params.' (new request) or 'data.params.' (resubmission). */
  errorPrefix?: string;
}) {
  const { lang, tr } = useI18n();
  const prefix = props.errorPrefix ?? 'params.';
  const set = (name: string, value: string | boolean) => props.onChange({ ...props.values, [name]: value });
  return (
    <div className="params-grid">
      {props.definition.params.map((spec) => {
        const labelText = lang === 'ja' ? spec.labelJa : spec.labelEn;
        const error = props.errors[`${prefix}${spec.name}`] ?? null;
        const value = props.values[spec.name];
        const hint = hintFor(spec, lang);
        if (spec.type === 'boolean') {
          return (
            <Field key={spec.name} label={labelText} required={spec.required} hint={hint} error={error}>
              {(control) => <input type="checkbox" {...control} checked={value === true} onChange={(e) => set(spec.name, e.target.checked)} />}
            </Field>
          );
        }
        return (
          <Field key={spec.name} label={labelText} required={spec.required} hint={hint} error={error} className={spec.type === 'text' ? 'wide' : ''}>
            {(control) => {
              const text = typeof value === 'string' ? value : '';
              if (spec.type === 'enum') {
                return (
                  <select {...control} name={spec.name} value={text} onChange={(e) => set(spec.name, e.target.value)}>
                    <option value="">{tr('選択してください', 'Choose')}</option>
                    {spec.options!.map((o) => (
                      <option key={o} value={o}>
                        {OPTION_LABELS[o]?.[lang] ?? o}
                      </option>
                    ))}
                  </select>
                );
              }
              if (spec.type === 'text') {
                return <textarea {...control} name={spec.name} rows={4} value={text} onChange={(e) => set(spec.name, e.target.value)} />;
              }
              if (spec.type === 'integer') {
                return <input {...control} name={spec.name} type="number" inputMode="numeric" step={1} min={spec.min} max={spec.max} value={text} onChange={(e) => set(spec.name, e.target.value)} className="narrow" />;
              }
              return <input {...control} name={spec.name} type="text" autoComplete="off" spellCheck={false} value={text} onChange={(e) => set(spec.name, e.target.value)} />;
            }}
          </Field>
        );
      })}
    </div>
  );
}
