import type { TestSystem } from './test-system';

/** Drives human steps through the API the way a user would. */
export class FlowDriver {
  private tokens = new Map<string, string>();
  private departments = new Map<string, string | null>();

  constructor(private readonly system: TestSystem) {}

  async token(username: string): Promise<string> {
    if (!this.tokens.has(username)) this.tokens.set(username, await this.system.login(username));
    return this.tokens.get(username)!;
  }

  async as(username: string, method: string, path: string, body?: unknown) {
    return this.system.request(method, path, { token: await this.token(username), body });
  }

  /** The user's department (null for contractor and general affairs roles). */
  async departmentOf(username: string): Promise<string | null> {
    if (!this.departments.has(username)) {
      const me = await this.as(username, 'GET', '/api/auth/me');
      this.departments.set(username, (me.body?.departmentId as string | null | undefined) ?? null);
    }
    return this.departments.get(username)!;
  }

  /**
   * Waits until the case has an open task of this type, and returns it: for a department user,
   * the one assigned to its department (several departments' verifications open at once, in no
   * particular order).
   */
  async openTask(caseNumber: string, type: string, username = 'ga1', timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    const department = await this.departmentOf(username);
    let seen: string[] = [];
    while (Date.now() < deadline) {
      const response = await this.as(username, 'GET', `/api/tasks?state=open&caseId=${caseNumber}`);
      seen = (response.body?.items ?? []).map((t: any) => t.type);
      const task = response.body?.items?.find((t: any) => t.type === type && (!department || !t.departmentId || t.departmentId === department));
      if (task) return task;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no open ${type} task on ${caseNumber} within ${timeoutMs} ms (open: ${seen.join(', ') || 'none'})`);
  }

  async complete(caseNumber: string, type: string, username: string, body: { outcome: string; note?: string; data?: Record<string, unknown> }) {
    const task = await this.openTask(caseNumber, type, username);
    const response = await this.as(username, 'POST', `/api/tasks/${task.id}/complete`, body);
    if (response.status !== 200) throw new Error(`${username} could not complete ${type} (${task.id}): ${response.status} ${response.text}`);
    return { task, result: response.body };
  }

  async caseDetail(caseNumber: string, username = 'ga1') {
    const response = await this.as(username, 'GET', `/api/cases/${caseNumber}`);
    if (response.status !== 200) throw new Error(`case ${caseNumber}: ${response.status} ${response.text}`);
    return response.body;
  }

  async waitForStatus(caseNumber: string, status: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const detail = await this.caseDetail(caseNumber);
      last = detail.status;
      if (last === status) return detail;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${caseNumber} did not reach ${status} (last: ${last})`);
  }
}

export function alertmanagerBody(alerts: Array<{ hostname: string; alertname: string; severity?: string; summary?: string; status?: string; startsAt?: string }>) {
  return {
    version: '4', groupKey: '{}:{alertname="x"}', truncatedAlerts: 0, status: 'firing', receiver: 'opsdesk',
    groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager.local',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: a.alertname, instance: `${a.hostname}:9100`, severity: a.severity ?? 'critical' },
      annotations: { summary: a.summary ?? `${a.alertname} on ${a.hostname}` },
      startsAt: a.startsAt ?? new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus.local/graph', fingerprint: `${a.hostname}-${a.alertname}`,
    })),
  };
}
