import { resolve } from 'node:path';
import { loadMonitoringConfig, type MonitoringConfig } from '../monitoring/monitoring-config';
import { loadOperationsConfig, type OperationsConfig } from '../operations/operations-config';
import { loadPlatformWatchConfig, type PlatformWatchConfig } from '../platform/platform-watch-config';

/**
 * Everything the processes read from the environment, parsed once.
 * `npm start` (the supervisor) fills in the embedded servers' addresses before it starts the
 * API and the worker, so both always see fully resolved URLs here.
 */
export interface AppConfig {
  /** `embedded` only when the supervisor runs its own PostgreSQL: demo data may then be created. */
  mode: 'embedded' | 'standard';
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string;
  temporal: TemporalConfig;
  smtpUrl: string;
  mailFrom: string;
  /** The embedded mail sink's web page, shown in the UI and the start-up log. */
  mailSinkUrl?: string;
  temporalUiUrl?: string;
  demoPassword: string;
  demoAlertToken: string;
  tokenTtlHours: number;
  generalAffairsMailbox: string;
  sla: SlaSettings;
  /** Providers of the operation items and the backup store (R-OP-1..9). */
  operations: OperationsConfig;
  /** Prometheus, Alertmanager and the files opsdesk writes for them (issue 16). */
  monitoring: MonitoringConfig;
  /** Hypervisor events (R-MON-1) and capacity sampling (R-RPT-3) in the worker. */
  platformWatch: PlatformWatchConfig;
  /** Whether the worker creates the monthly report's and daily figures' Temporal Schedules (REPORT_SCHEDULES, default on). */
  reportSchedules: boolean;
  /** Origins allowed to call the API from a browser (CORS_ORIGINS, comma-separated); none by default. */
  corsOrigins: string[];
  /** Express `trust proxy` (TRUST_PROXY: hop count, `loopback`, addresses): where client addresses come from. */
  trustProxy?: string;
  /** Sign-in attempts per user name and address: a bucket of `burst`, refilled by `perMinute`. */
  loginRateLimit: { burst: number; perMinute: number };
}

/** How the SLAs of the requirements read in numbers (README, "SLAs"). */
export interface SlaSettings {
  /** R-SLA-1: on site within this many hours of a detection inside reception hours. */
  onsiteHours: number;
  /** R-SLA-2: a detection outside reception hours is due at this time (HH:MM) of the next business opening's day. */
  onsiteNextDayTime: string;
  /** R-SLA-3: work requests are complete within this many business days of receipt. */
  workRequestBusinessDays: number;
  /** Remind operators when the maker's desk has been silent for this many business hours. */
  vendorSilenceBusinessHours: number;
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Prepended to every workflow id, so several opsdesk instances can share one namespace. */
  workflowIdPrefix: string;
  /**
   * Workflows the worker keeps in memory (WORKER_MAX_CACHED_WORKFLOWS). The SDK's default follows the
   * heap size (about 2,300 here) at roughly 0.55 MiB each. With 1,000 the worker's RSS peaked at
   * 1,089 MiB with 10,000 cases open (bench run …fd18), over the 1 GiB it must stay under; 500 leaves
   * room. An evicted case is replayed from its history when its next event arrives (about 0.1 s for
   * a typical incident), so only a backlog of more than 500 open cases pays for it.
   */
  maxCachedWorkflows: number;
  tls?: { serverName?: string; clientCertPath?: string; clientKeyPath?: string; serverRootCaPath?: string };
}

const DEFAULT_PORT = 3000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = intFrom(env, 'PORT', DEFAULT_PORT);
  const dataDir = resolve(env.OPSDESK_DATA_DIR ?? 'data');
  const databaseUrl = required(env, 'DATABASE_URL');
  const tlsEnabled = env.TEMPORAL_TLS === 'true' || !!env.TEMPORAL_TLS_CERT;
  return {
    mode: env.OPSDESK_MODE === 'embedded' ? 'embedded' : 'standard',
    port,
    publicUrl: (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, ''),
    dataDir,
    databaseUrl,
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'opsdesk',
      workflowIdPrefix: env.TEMPORAL_WORKFLOW_ID_PREFIX ?? '',
      maxCachedWorkflows: intFrom(env, 'WORKER_MAX_CACHED_WORKFLOWS', 500),
      tls: tlsEnabled
        ? {
            serverName: env.TEMPORAL_TLS_SERVER_NAME,
            clientCertPath: env.TEMPORAL_TLS_CERT,
            clientKeyPath: env.TEMPORAL_TLS_KEY,
            serverRootCaPath: env.TEMPORAL_TLS_CA,
          }
        : undefined,
    },
    smtpUrl: env.SMTP_URL ?? 'smtp://127.0.0.1:1025',
    mailFrom: env.MAIL_FROM ?? 'opsdesk <opsdesk@localhost>',
    mailSinkUrl: env.OPSDESK_MAIL_SINK_URL,
    temporalUiUrl: env.OPSDESK_TEMPORAL_UI_URL,
    demoPassword: env.DEMO_PASSWORD ?? 'opsdesk-demo',
    demoAlertToken: env.DEMO_ALERT_TOKEN ?? 'opsdesk-demo-alerts',
    tokenTtlHours: intFrom(env, 'AUTH_TOKEN_TTL_HOURS', 12),
    generalAffairsMailbox: env.GENERAL_AFFAIRS_MAILBOX ?? 'soumu@example.lg.jp',
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean),
    trustProxy: env.TRUST_PROXY || undefined,
    loginRateLimit: { burst: intFrom(env, 'LOGIN_RATE_LIMIT_BURST', 10), perMinute: intFrom(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 10) },
    sla: {
      onsiteHours: intFrom(env, 'SLA_ONSITE_HOURS', 2),
      onsiteNextDayTime: clockFrom(env, 'SLA_ONSITE_NEXT_DAY_TIME', '10:30'),
      workRequestBusinessDays: intFrom(env, 'SLA_WORK_REQUEST_BUSINESS_DAYS', 3),
      vendorSilenceBusinessHours: intFrom(env, 'VENDOR_SILENCE_BUSINESS_HOURS', 4),
    },
    operations: loadOperationsConfig(env, dataDir, databaseUrl, env.OPSDESK_MODE === 'embedded' ? 'embedded' : 'standard'),
    monitoring: loadMonitoringConfig(env, dataDir),
    platformWatch: loadPlatformWatchConfig(env),
    reportSchedules: env.REPORT_SCHEDULES !== 'off',
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) {
    throw new Error(`${name} is not set. Run "npm start" for the embedded defaults, or set ${name}.`);
  }
  return value;
}

function clockFrom(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] || fallback;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) throw new Error(`${name} must be HH:MM, got "${value}"`);
  return value;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}
