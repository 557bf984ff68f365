/** How the platform is watched; from the environment (see README "Platform events and capacity"). */
export interface PlatformWatchConfig {
  /** `PLATFORM_WATCH=off` switches both loops off (default on). */
  enabled: boolean;
  /** How often the event stream and the alarms are read (`PLATFORM_EVENT_POLL_MS`, default 10 s). */
  eventPollMs: number;
  /** How often capacity is sampled (`PLATFORM_CAPACITY_EVERY_MS`, default 15 min; the day keeps the last sample and the peak). */
  capacityEveryMs: number;
}

export function loadPlatformWatchConfig(env: NodeJS.ProcessEnv = process.env): PlatformWatchConfig {
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  return {
    enabled: env.PLATFORM_WATCH !== 'off',
    eventPollMs: number('PLATFORM_EVENT_POLL_MS', 10_000, 50, 3_600_000),
    capacityEveryMs: number('PLATFORM_CAPACITY_EVERY_MS', 15 * 60_000, 100, 86_400_000),
  };
}
