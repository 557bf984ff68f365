/**
 * The desk's settings (R-DESK-1), one row an admin edits (`PUT /api/desk/settings`); the defaults
 * stand until then. Read by the desk SLA activity (so a replay sees the value of the day) and by
 * the mail intake.
 */
export interface DeskSettings {
  /** Acknowledge an inquiry within this many business minutes of receipt (reception hours only). */
  ackBusinessMinutes: number;
  /** A received attachment larger than this is refused and its sender told. */
  maxAttachmentBytes: number;
}

export const DEFAULT_DESK_SETTINGS: DeskSettings = { ackBusinessMinutes: 30, maxAttachmentBytes: 10 * 1024 * 1024 };

type Sql = <T>(query: string, params?: unknown[]) => Promise<T[]>;

export async function readDeskSettings(sql: Sql): Promise<DeskSettings> {
  const [row] = await sql<{ ack_business_minutes: number; max_attachment_bytes: string | number }>(
    'select ack_business_minutes, max_attachment_bytes from desk_setting where id = 1',
  );
  if (!row) return { ...DEFAULT_DESK_SETTINGS };
  return { ackBusinessMinutes: Number(row.ack_business_minutes), maxAttachmentBytes: Number(row.max_attachment_bytes) };
}
