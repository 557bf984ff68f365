/**
 * Run before `npm start` and `npm test`: fetches Prometheus, Alertmanager and the exporters from
 * Debian's packages into `.tools/monitoring/` when they are missing. Never fails: without them
 * opsdesk runs without monitoring and says so (log, /health).
 */
import { ensureMonitoringBinaries, missingMonitoringTools, MONITORING_PACKAGES_HINT } from '../src/monitoring/binaries';

if (process.env.PROMETHEUS_URL) process.exit(0);
const problems = ensureMonitoringBinaries();
for (const line of problems) console.warn(`[opsdesk] monitoring: ${line}`);
if (missingMonitoringTools().length > 0) console.warn(`[opsdesk] monitoring will be off until the programs are there: ${MONITORING_PACKAGES_HINT}`);
