/**
 * First import of src/main.ts and src/worker.ts (before Nest, express or http are loaded): names
 * the process in its log lines and starts OpenTelemetry when tracing is enabled (tracing.ts).
 */
import { basename } from 'node:path';
import { configureLogging } from './logger';
import { startTracing } from './tracing';

const processName = process.env.OPSDESK_PROCESS_NAME ?? (/worker/.test(basename(process.argv[1] ?? '')) ? 'worker' : 'api');
configureLogging({ process: processName });
startTracing(`opsdesk-${processName}`);
