import { get } from './api';
import type { CaseDetail, CasePage, CaseSummary } from './types';
import { mapLimit } from './useLoad';

export const OPEN_STATUSES = ['received', 'in_progress', 'on_hold', 'verifying'] as const;

/** Every case in the given statuses (the list API filters one status at a time). */
export async function listByStatuses(statuses: readonly string[], extra: Record<string, string> = {}, perStatus = 200): Promise<CaseSummary[]> {
  const pages = await Promise.all(statuses.map((status) => get<CasePage>('/api/cases', { ...extra, status, limit: perStatus })));
  return pages.flatMap((p) => p.items);
}

/**
 * Case details for many cases (the list does not carry the SLA view or the work plan), a few at a
 * time, skipping the ones that fail.
 */
export async function detailsOf(cases: CaseSummary[], max = 60): Promise<CaseDetail[]> {
  const details = await mapLimit(cases.slice(0, max), 4, (c) => get<CaseDetail>(`/api/cases/${c.id}`).catch(() => null));
  return details.filter((d): d is CaseDetail => d !== null);
}

/** All pages of a list query (CSV export), 200 at a time. */
export async function listAll(query: Record<string, string>, cap = 5000): Promise<CaseSummary[]> {
  const items: CaseSummary[] = [];
  for (let offset = 0; offset < cap; offset += 200) {
    const page = await get<CasePage>('/api/cases', { ...query, limit: 200, offset });
    items.push(...page.items);
    if (page.items.length < 200 || (page.totalExact !== false && items.length >= page.total)) break;
  }
  return items;
}

/** Work requests with a work plan whose time overlaps [fromIso, toIso). */
export async function plannedWork(fromIso: string, toIso: string, statuses: readonly string[] = [...OPEN_STATUSES, 'done']): Promise<CaseDetail[]> {
  const requests = await listByStatuses(statuses, { kind: 'work_request' });
  const candidates = requests.filter((c) => c.status !== 'received' && c.resolution !== 'rejected' && c.resolution !== 'withdrawn');
  const details = await detailsOf(candidates, 150);
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  return details
    .filter((d) => d.record.workPlan && Date.parse(d.record.workPlan.plannedStart) < to && Date.parse(d.record.workPlan.plannedEnd) >= from)
    .sort((a, b) => Date.parse(a.record.workPlan!.plannedStart) - Date.parse(b.record.workPlan!.plannedStart));
}
