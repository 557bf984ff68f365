/** `2026-11-26 12:21 JST`: how instants read in timeline messages (Japan time, no DST). */
export function jstLabel(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const jst = new Date(ms + 9 * 3_600_000).toISOString();
  return `${jst.slice(0, 10)} ${jst.slice(11, 16)} JST`;
}
