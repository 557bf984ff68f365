import type { Lang } from './format';
import { humanMessage } from './i18n';

/**
 * Turns a validation problem (from the shared checkers in workflows/shared, or the API's 400/422
 * `{ message, field }`) into plain words for the person at the form. The field's own label is
 * passed in, so the message says which box to fix.
 */
const PATTERN_HINTS_JA: Record<string, string> = {
  'lower-case letters, digits and hyphens, starting with a letter (2-63 characters)': '英小文字で始まり、英小文字・数字・ハイフンだけの2〜63文字',
  'lower-case letters, digits and underscores, starting with a letter (2-63 characters)': '英小文字で始まり、英小文字・数字・アンダースコアだけの2〜63文字',
  'five cron fields, e.g. "0 2 * * *"': 'cron 形式の5項目（例: "0 2 * * *"）',
};

export function describeProblem(message: string, fieldLabel: string | null, lang: Lang, options: { choice?: boolean; otherLabel?: (field: string) => string | null } = {}): string {
  const ja = lang === 'ja';
  const name = fieldLabel ? (ja ? `「${fieldLabel}」` : fieldLabel) : ja ? 'この項目' : 'This field';
  let m: RegExpExecArray | null;
  if (/(^|\s)is required( \(|$)/.test(message) || /must not be empty|should not be empty/.test(message)) {
    if (options.choice) return ja ? `${name}を選択してください。` : `Choose ${fieldLabel ?? 'a value'}.`;
    return ja ? `${name}を入力してください。` : `Enter ${fieldLabel ?? 'a value'}.`;
  }
  if (/a note \(the reason\) is required/.test(message)) return ja ? 'この結果を選ぶときは、理由（コメント）を入力してください。' : 'Give the reason in the comment for this outcome.';
  if (/outcome must be one of/.test(message)) return ja ? '結果を選択してください。' : 'Choose an outcome.';
  if ((m = /must be at most (\d+) characters/.exec(message)) || (m = /must be shorter than or equal to (\d+) characters/.exec(message))) {
    return ja ? `${name}は${m[1]}文字以内で入力してください。` : `${fieldLabel ?? 'This field'} must be at most ${m[1]} characters.`;
  }
  if ((m = /must be longer than or equal to (\d+) characters/.exec(message))) {
    return ja ? `${name}を入力してください。` : `Enter ${fieldLabel ?? 'a value'}.`;
  }
  if (/must be an e-mail address|must be an email/.test(message)) return ja ? `${name}はメールアドレスの形式で入力してください。` : `${fieldLabel ?? 'This field'} must be an e-mail address.`;
  if (/ISO 8601/.test(message)) return ja ? `${name}に日時を入力してください。` : `Enter a date and time for ${fieldLabel ?? 'this field'}.`;
  if (/must be a non-empty list/.test(message)) return ja ? `${name}を1つ以上選択してください。` : `Choose at least one for ${fieldLabel ?? 'this field'}.`;
  if (/must be a whole number/.test(message)) return ja ? `${name}は整数で入力してください。` : `${fieldLabel ?? 'This field'} must be a whole number.`;
  if ((m = /must be at least (-?\d+)/.exec(message)) || (m = /must not be less than (-?\d+)/.exec(message))) {
    return ja ? `${name}は${m[1]}以上にしてください。` : `${fieldLabel ?? 'This field'} must be at least ${m[1]}.`;
  }
  if ((m = /must be at most (-?\d+)/.exec(message)) || (m = /must not be greater than (-?\d+)/.exec(message))) {
    return ja ? `${name}は${m[1]}以下にしてください。` : `${fieldLabel ?? 'This field'} must be at most ${m[1]}.`;
  }
  if (/must be one of/.test(message)) return ja ? `${name}を一覧から選択してください。` : `Choose ${fieldLabel ?? 'a value'} from the list.`;
  if (/must be true or false/.test(message)) return ja ? `${name}を選択してください。` : `Choose ${fieldLabel ?? 'a value'}.`;
  if ((m = /must equal params\.(\w+)/.exec(message))) {
    const other = options.otherLabel?.(`params.${m[1]}`) ?? m[1];
    return ja ? `${name}は「${other}」と同じ値を入力してください。` : `${fieldLabel ?? 'This field'} must be the same as ${other}.`;
  }
  if (/must not contain control characters/.test(message)) return ja ? `${name}に制御文字は使えません。` : `${fieldLabel ?? 'This field'} must not contain control characters.`;
  if (/give at least one of cpu, memoryGiB, diskGiB/.test(message)) {
    return ja ? 'vCPU数・メモリ・ディスクのうち、変更するものを1つ以上入力してください。' : 'Give at least one of vCPUs, memory or disk.';
  }
  if (/plannedEnd must be after/.test(message)) return ja ? '作業終了日時は作業開始日時より後にしてください。' : 'The planned end must be after the planned start.';
  if ((m = /^params\.\w+ must be (.+)$/.exec(message)) || (m = /^\S+ must be (.+)$/.exec(message))) {
    const hint = m[1];
    if (PATTERN_HINTS_JA[hint] !== undefined) return ja ? `${name}は${PATTERN_HINTS_JA[hint]}で入力してください。` : `${fieldLabel ?? 'This field'} must be ${hint}.`;
  }
  return humanMessage(message, lang);
}

/** What a refused request means, in plain words, by status (the API's message follows). */
export function refusalPrefix(status: number, lang: Lang): string {
  const ja = lang === 'ja';
  switch (status) {
    case 0: return ja ? 'サーバーに接続できませんでした。' : 'The server could not be reached.';
    case 401: return ja ? 'ログインの有効期限が切れました。もう一度ログインしてください。' : 'Your sign-in has expired. Please sign in again.';
    case 403: return ja ? 'この操作を行う権限がありません。' : 'You are not allowed to do this.';
    case 404: return ja ? '見つかりませんでした。' : 'Not found.';
    case 409: return ja ? '状態が変わったため受け付けられませんでした。画面を更新して確認してください。' : 'Not accepted because the state has changed. Refresh and check.';
    case 413: return ja ? '入力が大きすぎます。' : 'The input is too large.';
    case 400:
    case 422: return ja ? '入力内容を確認してください。' : 'Please check the input.';
    case 503: return ja ? '保存されていません。入力内容はこの画面に残っています。' : 'Nothing was saved. What you entered is still here.';
    default: return ja ? '処理できませんでした。' : 'This could not be done.';
  }
}
