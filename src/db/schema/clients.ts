import { boolean, foreignKey, index, pgTable, text, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, tenantId, timestamps } from "./columns";
import { tenants } from "./tenancy";

export const clients = pgTable(
  "clients",
  {
    id: id(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    // A client may sit in another state than the agency: its public holidays
    // and wall clock are the ones its releases are judged by.
    timezone: text(),
    state: text(),
    // Null: follow the agency's setting.
    holidaysEnabled: boolean(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("clients_tenant_name_key").on(t.tenantId, t.name),
    unique("clients_tenant_id_key").on(t.tenantId, t.id),
  ],
);

export const projects = pgTable(
  "projects",
  {
    id: id(),
    tenantId: tenantId(),
    clientId: uuid().notNull(),
    name: text().notNull(),
    slug: text().notNull(),
    kind: text().notNull(),
    // `owner/name`, lower-cased, so CI webhooks can find the project.
    repository: text(),
    productionUrl: text(),
    ...timestamps,
  },
  (t) => [
    foreignKey({
      name: "projects_client_fk",
      columns: [t.tenantId, t.clientId],
      foreignColumns: [clients.tenantId, clients.id],
    }).onDelete("restrict"),
    uniqueIndex("projects_tenant_slug_key").on(t.tenantId, t.slug),
    unique("projects_tenant_id_key").on(t.tenantId, t.id),
    index("projects_tenant_client_idx").on(t.tenantId, t.clientId),
    index("projects_repository_idx").on(t.repository),
  ],
);

export type ClientRow = typeof clients.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
