import { requireRole } from "../../app/actor";
import type { AppRouteHandler } from "../../app/context";
import { withTenant } from "../../app/request-scope";
import {
  deleteChecklistTemplate,
  findChecklistTemplate,
  upsertChecklistTemplate,
} from "../../db/repositories/release-facts";
import {
  type ChecklistTemplateItem,
  DEFAULT_PRE_DEPLOYMENT_CHECKLIST,
} from "../../domain/lifecycle/default-checklist";
import type * as routes from "./routes";
import { CHECKLIST_TEMPLATE_WRITE_ROLES } from "./routes";

// The template is the agency's, not a release's: no Durable Object, no release audit event.

const defaultTemplate = () => ({
  is_default: true,
  items: DEFAULT_PRE_DEPLOYMENT_CHECKLIST.map((item) => ({ ...item })),
  updated_at: null,
});

function present(row: { items: unknown; updatedAt: Date }) {
  return {
    is_default: false,
    items: row.items as ChecklistTemplateItem[],
    updated_at: row.updatedAt.toISOString(),
  };
}

export const getChecklistTemplateHandler: AppRouteHandler<typeof routes.getChecklistTemplate> = async (c) => {
  const row = await withTenant(c, ({ tx, actor }) => findChecklistTemplate(tx, actor.tenantId));
  // An empty stored template also means the default (checklistForRelease treats it so).
  const body = row && (row.items as unknown[]).length > 0 ? present(row) : defaultTemplate();
  return c.json(body as never, 200);
};

export const putChecklistTemplateHandler: AppRouteHandler<typeof routes.putChecklistTemplate> = async (c) => {
  const { items } = c.req.valid("json");
  const stored: ChecklistTemplateItem[] = items.map((item) => ({
    key: item.key,
    title: item.title,
    stage: item.stage,
    required: item.required,
    category: "general",
    guidance: item.guidance ?? null,
  }));
  const row = await withTenant(c, ({ tx, actor }) => {
    requireRole(actor, CHECKLIST_TEMPLATE_WRITE_ROLES, "Changing the agency's checklist template");
    return upsertChecklistTemplate(tx, actor.tenantId, stored);
  });
  return c.json(present(row) as never, 200);
};

export const deleteChecklistTemplateHandler: AppRouteHandler<typeof routes.deleteChecklistTemplate> = async (
  c,
) => {
  await withTenant(c, async ({ tx, actor }) => {
    requireRole(actor, CHECKLIST_TEMPLATE_WRITE_ROLES, "Changing the agency's checklist template");
    await deleteChecklistTemplate(tx, actor.tenantId);
  });
  return c.body(null, 204);
};
