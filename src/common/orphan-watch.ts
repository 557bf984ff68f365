/**
 * Children of `npm start` run in their own process group (so Ctrl-C reaches the supervisor first);
 * if the supervisor itself is killed, they notice and stop instead of lingering as orphans.
 */
export function stopWhenSupervisorDies(): void {
  if (process.env.OPSDESK_SUPERVISED !== '1') return;
  const supervisor = process.ppid;
  setInterval(() => {
    let alive = true;
    try {
      process.kill(supervisor, 0);
    } catch {
      alive = false;
    }
    if (!alive || process.ppid !== supervisor) process.kill(process.pid, 'SIGTERM');
  }, 2_000).unref();
}
