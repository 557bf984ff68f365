/**
 * Run before `npm start` and `npm test`: fetches Prometheus, Alertmanager and the exporters from
 * Debian's packages into `.tools/monitoring/` when they are missing. Never fails: without them
 * opsdesk runs without monitoring and says so (log, /health).
 */
import { ensureMonitoringBinaries, ensureSnmpd, missingMonitoringTools, MONITORING_PACKAGES_HINT } from '../src/monitoring/binaries';

if (process.env.PROMETHEUS_URL) process.exit(0);
const problems = ensureMonitoringBinaries();
// The tests' stand-in switch (npm test runs this script too; npm start does not need it).
if (process.env.npm_lifecycle_event === 'pretest') {
  const snmpd = ensureSnmpd();
  if (snmpd) problems.push(`${snmpd} (the SNMP test will be skipped)`);
}
for (const line of problems) console.warn(`[opsdesk] monitoring: ${line}`);
if (missingMonitoringTools().length > 0) console.warn(`[opsdesk] monitoring will be off until the programs are there: ${MONITORING_PACKAGES_HINT}`);
