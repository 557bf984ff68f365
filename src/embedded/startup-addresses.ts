/**
 * What `npm start` prints once the system is healthy: where each user-facing part is. Pure, so
 * the lines are tested without starting anything.
 */
export interface StartupAddressesInput {
  /** The API and web UI, e.g. http://127.0.0.1:3000 */
  apiUrl: string;
  /** The embedded Temporal's UI; null when TEMPORAL_ADDRESS names another server. */
  temporalUiUrl: string | null;
  /** The mail sink's web page; null when SMTP_URL names another server. */
  mailSinkUrl: string | null;
  /** Prometheus (embedded or PROMETHEUS_URL); null when monitoring is off. */
  prometheusUrl: string | null;
  /** Alertmanager (embedded or ALERTMANAGER_URL). */
  alertmanagerUrl: string | null;
  /** Why monitoring is off, when it is. */
  monitoringOff: string | null;
  /** Whether npm start runs Prometheus and Alertmanager itself (else they are the PROMETHEUS_URL / ALERTMANAGER_URL ones). */
  monitoringEmbedded: boolean;
}

export function startupAddresses(input: StartupAddressesInput): string[] {
  const base = input.apiUrl.replace(/\/$/, '');
  const rows: Array<[string, string]> = [
    ['web UI', `${base}/`],
    ['API docs', `${base}/api/docs (OpenAPI: ${base}/api/docs-json)`],
    ['Temporal UI', input.temporalUiUrl ?? 'the UI of the Temporal at TEMPORAL_ADDRESS (not started here)'],
  ];
  if (input.mailSinkUrl) rows.push(['mail sink', input.mailSinkUrl]);
  if (input.prometheusUrl) {
    const whose = input.monitoringEmbedded ? '' : ' (PROMETHEUS_URL)';
    const p = input.prometheusUrl.replace(/\/$/, '');
    rows.push(['Prometheus UI', `${p}/${whose} — targets ${p}/targets, rules ${p}/rules, alerts ${p}/alerts`]);
    rows.push(['Alertmanager UI', input.alertmanagerUrl ? `${input.alertmanagerUrl.replace(/\/$/, '')}/${input.monitoringEmbedded ? '' : ' (ALERTMANAGER_URL)'}` : 'not known (set ALERTMANAGER_URL)']);
    rows.push(['monitoring page', `${base}/monitoring`]);
  } else {
    rows.push(['Prometheus UI', `none: monitoring is OFF (${input.monitoringOff ?? 'PROMETHEUS_URL is not set'})`]);
  }
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, where]) => `  ${name.padEnd(width)}  ${where}`);
}
