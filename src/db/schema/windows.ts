import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { clients, projects } from "./clients";
import { at, id, tenantId, timestamps } from "./columns";
import { members, tenants } from "./tenancy";

export interface RecurrenceJson {
  freq: "daily" | "weekly";
  by_day?: ("MO" | "TU" | "WE" | "TH" | "FR" | "SA" | "SU")[] | null;
  until?: string | null;
}

/**
 * Maintenance windows, business hours and freezes. Stored as the agency
 * thinks of them: a local wall-clock start in an IANA zone plus a recurrence
 * (iCalendar DTSTART + RRULE), never as UTC instants, so daylight saving and
 * zone changes are computed, not baked in.
 */
export const deploymentWindows = pgTable(
  "deployment_windows",
  {
    id: id(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    clientId: uuid(),
    projectId: uuid(),
    kind: text().notNull(),
    name: text().notNull(),
    // Null: the client's zone, else the agency's, at the time of expansion.
    timezone: text(),
    startLocal: text().notNull(),
    durationMinutes: integer().notNull(),
    recurrence: jsonb().$type<RecurrenceJson>(),
    // The next occurrence not yet opened by the cron, kept current so the
    // per-minute tick finds due windows through an index, whatever the
    // number of agencies. Null when the window has no further occurrences.
    nextStartsAt: at(),
    nextEndsAt: at(),
    createdBy: uuid(),
    ...timestamps,
  },
  (t) => [
    foreignKey({
      name: "deployment_windows_client_fk",
      columns: [t.tenantId, t.clientId],
      foreignColumns: [clients.tenantId, clients.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "deployment_windows_project_fk",
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete("cascade"),
    unique("deployment_windows_tenant_id_key").on(t.tenantId, t.id),
    index("deployment_windows_tenant_idx").on(t.tenantId, t.clientId, t.projectId),
    index("deployment_windows_next_start_idx").on(t.nextStartsAt),
    check("deployment_windows_kind_check", sql`${t.kind} in ('maintenance', 'business_hours', 'freeze')`),
    check("deployment_windows_duration_check", sql`${t.durationMinutes} > 0`),
  ],
);

/** Occurrences the cron has opened; closing sets closed_at. Unique per occurrence, so a doubled tick opens it once. */
export const windowOccurrences = pgTable(
  "window_occurrences",
  {
    id: id(),
    tenantId: tenantId(),
    windowId: uuid().notNull(),
    occurrenceKey: text().notNull(),
    kind: text().notNull(),
    startsAt: at().notNull(),
    endsAt: at().notNull(),
    openedAt: at().notNull(),
    closedAt: at(),
  },
  (t) => [
    foreignKey({
      name: "window_occurrences_window_fk",
      columns: [t.tenantId, t.windowId],
      foreignColumns: [deploymentWindows.tenantId, deploymentWindows.id],
    }).onDelete("cascade"),
    uniqueIndex("window_occurrences_key").on(t.windowId, t.occurrenceKey),
    index("window_occurrences_open_idx").on(t.endsAt).where(sql`${t.closedAt} is null`),
  ],
);

/** Revocable tokens for the read-only .ics feed, for calendar apps that cannot send headers. Stored hashed. */
export const calendarFeedTokens = pgTable(
  "calendar_feed_tokens",
  {
    id: id(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    tokenHash: text().notNull(),
    name: text().notNull(),
    // The scope bound at minting: the whole agency (both null), one client, or one project. The feed
    // URL can narrow it but never widen it; deleting the client or project deletes the token rather
    // than letting it fall back to the whole agency.
    clientId: uuid(),
    projectId: uuid(),
    createdBy: uuid(),
    revokedAt: at(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    uniqueIndex("calendar_feed_tokens_hash_key").on(t.tokenHash),
    foreignKey({
      name: "calendar_feed_tokens_client_fk",
      columns: [t.tenantId, t.clientId],
      foreignColumns: [clients.tenantId, clients.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "calendar_feed_tokens_project_fk",
      columns: [t.tenantId, t.projectId],
      foreignColumns: [projects.tenantId, projects.id],
    }).onDelete("cascade"),
    check("calendar_feed_tokens_one_scope", sql`${t.clientId} is null or ${t.projectId} is null`),
    foreignKey({
      name: "calendar_feed_tokens_member_fk",
      columns: [t.tenantId, t.createdBy],
      foreignColumns: [members.tenantId, members.id],
    }),
  ],
);

export type DeploymentWindowRow = typeof deploymentWindows.$inferSelect;
