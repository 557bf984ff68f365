/**
 * Writes the monitoring stack's configuration into OPSDESK_MONITORING_DIR for a Prometheus that
 * opsdesk does not start (docker compose's `monitoring-setup`, or an existing installation): the
 * same files `npm start` writes, with the other programs' addresses from the environment.
 *
 *   OPSDESK_MONITORING_DIR=/var/lib/opsdesk/monitoring OPSDESK_URL=http://api:3000 \
 *   ALERTMANAGER_ADDRESS=alertmanager:9093 BLACKBOX_ADDRESS=blackbox:9115 SNMP_EXPORTER_ADDRESS=snmp-exporter:9116 \
 *   node dist/scripts/write-monitoring-config.js
 */
import { writeStackConfig } from '../src/monitoring/stack';

const env = process.env;
const dir = env.OPSDESK_MONITORING_DIR;
if (!dir) {
  console.error('[opsdesk] OPSDESK_MONITORING_DIR is not set: where should the monitoring configuration go?');
  process.exit(1);
}
writeStackConfig({
  dir,
  opsdeskUrl: env.OPSDESK_URL ?? 'http://127.0.0.1:3000',
  ports: { prometheus: 9090, alertmanager: 9093, blackbox: 9115 },
  addresses: { alertmanager: env.ALERTMANAGER_ADDRESS, blackbox: env.BLACKBOX_ADDRESS, snmp: env.SNMP_EXPORTER_ADDRESS },
  scrapeIntervalSeconds: Number(env.MONITORING_SCRAPE_INTERVAL_SECONDS ?? 15),
  evaluationIntervalSeconds: Number(env.MONITORING_EVALUATION_INTERVAL_SECONDS ?? 15),
});
console.log(`[opsdesk] monitoring configuration written to ${dir}`);
