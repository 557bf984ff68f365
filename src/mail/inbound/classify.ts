/**
 * What a received mail is, before anything is done with it (R-DESK-1, R-CONTACT-1, R-FLOW-1).
 * Pure: headers in, a decision out; the intake (mail-intake.service.ts) acts on it.
 *
 *   - `auto`: an auto-reply, an out-of-office, a bounce or a list mail (RFC 3834 Auto-Submitted,
 *     Precedence, X-Auto-Response-Suppress, X-Autoreply, multipart/report, a null sender or
 *     MAILER-DAEMON): never opens a case, never answered;
 *   - `loop`: a mail opsdesk itself sent (its Message-ID domain or the X-Opsdesk-Key header):
 *     never opens a case;
 *   - otherwise the intake looks for the case it replies to, a monitoring rule, or opens an inquiry.
 */

export interface InboundHeaders {
  /** Lower-case header name → raw value(s) as text. */
  get(name: string): string | undefined;
}

export interface AutoVerdict {
  kind: 'auto' | 'loop' | 'person';
  reason: string | null;
}

const AUTO_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply', 'auto-reply']);
const DAEMON = /^(mailer-daemon|postmaster|no-?reply|noreply)@/i;

export function autoVerdict(headers: InboundHeaders, context: { from: string | null; envelopeFrom: string | null | undefined; contentType: string | null; ownMessageIdDomain: string; ownAddresses: string[]; messageId: string | null }): AutoVerdict {
  const own = context.ownMessageIdDomain.toLowerCase();
  if (headers.get('x-opsdesk-key')) return { kind: 'loop', reason: 'X-Opsdesk-Key: a mail opsdesk sent' };
  if (context.messageId && context.messageId.toLowerCase().endsWith(`@${own}`)) return { kind: 'loop', reason: `Message-ID of opsdesk (@${own})` };
  if (context.from && context.ownAddresses.some((a) => a.toLowerCase() === context.from!.toLowerCase())) return { kind: 'loop', reason: 'sent from the desk address' };

  const autoSubmitted = headers.get('auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'auto', reason: `Auto-Submitted: ${autoSubmitted}` };
  const precedence = headers.get('precedence')?.trim().toLowerCase();
  if (precedence && AUTO_PRECEDENCE.has(precedence)) return { kind: 'auto', reason: `Precedence: ${precedence}` };
  const suppress = headers.get('x-auto-response-suppress');
  if (suppress && /\b(all|oof|autoreply|dr|ndr|rn|nrn)\b/i.test(suppress)) return { kind: 'auto', reason: `X-Auto-Response-Suppress: ${suppress.trim()}` };
  if (headers.get('x-autoreply') || headers.get('x-autorespond') || headers.get('x-autoresponder')) return { kind: 'auto', reason: 'X-Autoreply' };
  if (headers.get('list-id') || headers.get('list-unsubscribe')) return { kind: 'auto', reason: 'a mailing list' };
  if (context.contentType && /^multipart\/report\b/i.test(context.contentType)) return { kind: 'auto', reason: 'a delivery report (bounce)' };
  if (context.envelopeFrom !== undefined && context.envelopeFrom !== null && context.envelopeFrom.trim() === '') return { kind: 'auto', reason: 'null sender (bounce)' };
  if (context.from && DAEMON.test(context.from)) return { kind: 'auto', reason: `sender ${context.from}` };
  return { kind: 'person', reason: null };
}

/** Message-IDs without angle brackets, from In-Reply-To and References (newest first). */
export function referencedMessageIds(inReplyTo: string | string[] | undefined, references: string | string[] | undefined): string[] {
  const all = [...toList(inReplyTo), ...toList(references).reverse()];
  const ids = all.flatMap((value) => value.match(/<[^<>\s]+>/g) ?? (value.trim() ? [value.trim()] : [])).map((id) => id.replace(/^<|>$/g, ''));
  return [...new Set(ids)];
}

function toList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  return Array.isArray(value) ? value : [value];
}

export interface MonitoringRuleLike {
  id?: string;
  name: string;
  sender: string;
  subjectPattern: string;
  resolvedPattern?: string | null;
  alertName: string;
  severity: string;
  enabled?: boolean;
}

export interface MonitoringMatch {
  rule: MonitoringRuleLike;
  hostname: string;
  alertName: string;
  severity: string;
  status: 'firing' | 'resolved';
}

const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'];
const SEVERITY_WORDS: Record<string, string> = {
  disaster: 'critical', high: 'major', average: 'minor', low: 'warning', information: 'info', 緊急: 'critical', 重大: 'major', 軽微: 'minor', 警告: 'warning', 情報: 'info',
};

export function senderMatches(pattern: string, from: string): boolean {
  const p = pattern.trim().toLowerCase();
  const f = from.trim().toLowerCase();
  if (p.startsWith('*@')) return f.endsWith(p.slice(1));
  return p === f;
}

/** A rule's problems, each naming its field (an admin edits rules; a bad one is refused before it is saved). */
export function checkMonitoringRule(rule: Partial<MonitoringRuleLike>): { field: string; message: string } | null {
  if (!rule.name || !rule.name.trim()) return { field: 'name', message: 'name is required' };
  if (!rule.sender || !/^(\*|[^\s@<>]+)@[^\s@<>]+\.[^\s@<>]+$/.test(rule.sender.trim())) return { field: 'sender', message: 'sender must be an address, or *@domain' };
  for (const field of ['subjectPattern', 'resolvedPattern'] as const) {
    const value = rule[field];
    if (field === 'resolvedPattern' && (value === undefined || value === null || value === '')) continue;
    if (typeof value !== 'string' || !value) return { field, message: `${field} is required` };
    try {
      new RegExp(value, 'u');
    } catch (error) {
      return { field, message: `${field} is not a valid regular expression: ${(error as Error).message}` };
    }
  }
  if (!/\(\?<host>/.test(rule.subjectPattern!)) return { field: 'subjectPattern', message: 'subjectPattern must capture the host name as (?<host>...)' };
  if (!rule.alertName || !rule.alertName.trim()) return { field: 'alertName', message: 'alertName is required (used when the pattern has no (?<alert>...) group)' };
  if (!SEVERITIES.includes(String(rule.severity))) return { field: 'severity', message: `severity must be one of ${SEVERITIES.join(', ')}` };
  return null;
}

/** The first enabled rule the mail matches, with host, alert name, severity and status taken from it. */
export function matchMonitoringRule(rules: MonitoringRuleLike[], from: string | null, subject: string): MonitoringMatch | null {
  if (!from) return null;
  for (const rule of rules) {
    if (rule.enabled === false || !senderMatches(rule.sender, from)) continue;
    let match: RegExpExecArray | null;
    let resolved = false;
    try {
      match = new RegExp(rule.subjectPattern, 'u').exec(subject);
      resolved = !!rule.resolvedPattern && new RegExp(rule.resolvedPattern, 'u').test(subject);
    } catch {
      continue;
    }
    const host = match?.groups?.host?.trim();
    if (!match || !host) continue;
    const rawSeverity = match.groups?.severity?.trim().toLowerCase();
    const severity = rawSeverity ? (SEVERITIES.includes(rawSeverity) ? rawSeverity : SEVERITY_WORDS[rawSeverity] ?? rule.severity) : rule.severity;
    return { rule, hostname: host.replace(/:\d+$/, ''), alertName: match.groups?.alert?.trim() || rule.alertName, severity, status: resolved ? 'resolved' : 'firing' };
  }
  return null;
}
