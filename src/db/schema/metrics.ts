import { foreignKey, index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { clients } from "./clients";
import { at, id, tenantId } from "./columns";
import { members, tenants } from "./tenancy";

/**
 * Share links for a client's monthly release report. The link itself is a signed token naming this
 * row; the row is what makes it revocable (deleting it ends the link) and bounds it to one client
 * and one month, so the page behind it cannot show another client's data or another month.
 */
export const clientReportLinks = pgTable(
  "client_report_links",
  {
    id: id(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    clientId: uuid().notNull(),
    /** YYYY-MM, in the agency's zone. */
    month: text().notNull(),
    expiresAt: at().notNull(),
    createdBy: uuid(),
    createdAt: at().notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "client_report_links_client_fk",
      columns: [t.tenantId, t.clientId],
      foreignColumns: [clients.tenantId, clients.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "client_report_links_member_fk",
      columns: [t.tenantId, t.createdBy],
      foreignColumns: [members.tenantId, members.id],
    }),
    index("client_report_links_client_idx").on(t.tenantId, t.clientId),
  ],
);

export type ClientReportLinkRow = typeof clientReportLinks.$inferSelect;
