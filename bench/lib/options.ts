/** Command-line options of `npm run bench`. */
export interface Options {
  quick: boolean;
  sections: Set<number>;
  seed: number;
  rounds: number;
  /** Section 1 */
  incidents: number;
  warmupIncidents: number;
  concurrency: number;
  /** Section 2 */
  cases: number;
  latencyConcurrency: number;
  latencyRequests: number;
  completions: number;
  /** Section 3 */
  alerts: number;
  /** Section 4 */
  slaCases: number;
  slaLeadSeconds: number;
  /** Section 5 */
  requests: number;
  requestConcurrency: number;
  /** Section 6 */
  replayEvents: number;
  replayRounds: number;
  /** Section 7: device-down cycles (0: the default, 20; --quick 3). */
  monitoringCycles: number;
  profile: boolean;
  resultsDir: string;
  out: string | null;
  keepData: boolean;
}

const HELP = `npm run bench -- [options]

  --quick                 smoke run: small sizes, one round (used by test/bench/bench-smoke.test.ts)
  --sections 1,2,3        run only these sections (1 overhead, 2 API latency, 3 alert→e-mail,
                          4 SLA lateness, 5 scale, 6 replay, 7 monitoring: device down → incident
                          mail on Prometheus, root needed for its network namespace); default all
                          (--quick: 1-6)
  --seed N                seed of generated data and query mixes (default 42)
  --rounds N              measured rounds per section (default 3)
  --incidents N           section 1: incidents per round (default 300)
  --concurrency N         section 1: cases in flight, opsdesk and baseline alike (default 16)
  --cases N               section 2: closed cases bulk-inserted (default 100000)
  --latency-concurrency N section 2/5: requests in flight (default 4)
  --latency-requests N    section 2/5: requests per round per endpoint, at most 30 s (default 400)
  --completions N         section 2: task completions per round (default 60)
  --alerts N              section 3: alerts per round (default 30)
  --sla-cases N           section 4: cases per round (default 20)
  --requests N            section 5: open work requests (default 10000: about 40 min on 2 cores)
  --request-concurrency N section 5: submissions in flight (default 16)
  --replay-events N       section 6: length of the replayed history (default 1000)
  --monitoring-cycles N   section 7: device-down cycles (default 20, --quick 3)
  --profile               CPU profiles of the API and workers per measured phase (bench/results/<run>/profiles)
  --results-dir DIR       default bench/results
  --out FILE              also write the JSON here
  --keep-data             keep the scratch databases (printed) instead of deleting them

  TEMPORAL_ADDRESS / DATABASE_URL: use those servers instead of starting embedded ones (the bench
  creates a database of its own on DATABASE_URL's server and drops it at the end).`;

export function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const defaults: Options = quick
    ? {
        quick, sections: new Set([1, 2, 3, 4, 5, 6]), seed: 42, rounds: 1, incidents: 6, warmupIncidents: 1, concurrency: 3,
        cases: 2_000, latencyConcurrency: 2, latencyRequests: 30, completions: 4, alerts: 3, slaCases: 3, slaLeadSeconds: 8,
        requests: 20, requestConcurrency: 4, replayEvents: 200, replayRounds: 2, monitoringCycles: 3, profile: false, resultsDir: 'bench/results', out: null, keepData: false,
      }
    : {
        quick, sections: new Set([1, 2, 3, 4, 5, 6, 7]), seed: 42, rounds: 3, incidents: 300, warmupIncidents: 20, concurrency: 16,
        cases: 100_000, latencyConcurrency: 4, latencyRequests: 400, completions: 60, alerts: 30, slaCases: 20, slaLeadSeconds: 30,
        requests: 10_000, requestConcurrency: 16, replayEvents: 1_000, replayRounds: 5, monitoringCycles: 20, profile: false, resultsDir: 'bench/results', out: null, keepData: false,
      };
  const options = { ...defaults };
  const int = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} needs a non-negative integer, got ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--quick': break;
      case '--help': case '-h': console.log(HELP); process.exit(0); break;
      case '--sections': options.sections = new Set(value().split(',').map((s) => int('--sections', s.trim()))); break;
      case '--seed': options.seed = int(flag, value()); break;
      case '--rounds': options.rounds = Math.max(1, int(flag, value())); break;
      case '--incidents': options.incidents = int(flag, value()); break;
      case '--concurrency': options.concurrency = Math.max(1, int(flag, value())); break;
      case '--cases': options.cases = int(flag, value()); break;
      case '--latency-concurrency': options.latencyConcurrency = Math.max(1, int(flag, value())); break;
      case '--latency-requests': options.latencyRequests = int(flag, value()); break;
      case '--completions': options.completions = int(flag, value()); break;
      case '--alerts': options.alerts = int(flag, value()); break;
      case '--sla-cases': options.slaCases = int(flag, value()); break;
      case '--requests': options.requests = int(flag, value()); break;
      case '--request-concurrency': options.requestConcurrency = Math.max(1, int(flag, value())); break;
      case '--replay-events': options.replayEvents = int(flag, value()); break;
      case '--monitoring-cycles': options.monitoringCycles = Math.max(1, int(flag, value())); break;
      case '--profile': options.profile = true; break;
      case '--results-dir': options.resultsDir = value(); break;
      case '--out': options.out = value(); break;
      case '--keep-data': options.keepData = true; break;
      default: throw new Error(`unknown option ${arg}\n\n${HELP}`);
    }
  }
  options.warmupIncidents = Math.min(options.warmupIncidents, Math.max(1, Math.ceil(options.incidents / 10)));
  return options;
}
