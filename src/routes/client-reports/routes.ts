import { createRoute, z } from "@hono/zod-openapi";
import {
  bearerSecurity,
  createdContent,
  errorResponses,
  IdempotencyKeyHeader,
  jsonBody,
  jsonContent,
  PaginationQuery,
  TENANT_READ_ERRORS,
  TENANT_WRITE_ERRORS,
  UuidParam,
} from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { ROLES, type Role } from "../../lib/auth/tokens";
import {
  ClientReportSchema,
  IssuedReportLinkSchema,
  MonthQuery,
  ReportLinkCreateSchema,
  ReportLinkPageSchema,
  ReportLinkSchema,
} from "./schemas";

const tags = ["Metrics"];

/** Who may share a client's report outside the agency, and withdraw a shared link. */
export const REPORT_LINK_WRITE_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];

const ClientParams = z.object({ id: UuidParam("id", "Client id.") });
const LinkParams = z.object({
  id: UuidParam("id", "Client id."),
  link_id: UuidParam("link_id", "Share link id."),
});

const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

export const getClientReport = createRoute({
  operationId: "getClientReport",
  method: "get",
  path: "/v1/clients/{id}/report",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "A client's monthly release report (JSON, or a printable page with Accept: text/html)",
    description:
      "Releases shipped and the windows they used, rollbacks and why, and the client's DORA figures by week for one month in the agency's zone. Send `Accept: text/html` for the printable page a client sees through a share link, with the chart inline.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ClientParams, query: MonthQuery },
  responses: {
    200: {
      description: "The report.",
      content: {
        "application/json": { schema: ClientReportSchema },
        "text/html": { schema: z.string() },
      },
    },
    ...errorResponses(...TENANT_READ_ERRORS, 422),
  },
});

export const createReportLink = createRoute({
  operationId: "createClientReportLink",
  method: "post",
  path: "/v1/clients/{id}/report-links",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Share a month's report with the client by link (owner, release manager)",
    description:
      "A signed link to the month's report page that works without an account until it expires or is deleted. The page shows only this client's releases of that month.",
  }),
  security: bearerSecurity,
  "x-roles": REPORT_LINK_WRITE_ROLES,
  request: { params: ClientParams, headers: IdempotencyKeyHeader, body: jsonBody(ReportLinkCreateSchema) },
  responses: {
    201: createdContent(
      IssuedReportLinkSchema,
      "The link (its URL shown once).",
      "/v1/clients/{id}/report-links/{link_id}",
    ),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const listReportLinks = createRoute({
  operationId: "listClientReportLinks",
  method: "get",
  path: "/v1/clients/{id}/report-links",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "The client's report share links",
    description:
      "Links issued for this client, newest last, expired ones included; never the URLs themselves.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: ClientParams, query: PaginationQuery },
  responses: {
    200: jsonContent(ReportLinkPageSchema, "A page of links."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const getReportLink = createRoute({
  operationId: "getClientReportLink",
  method: "get",
  path: "/v1/clients/{id}/report-links/{link_id}",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "One report share link",
    description: "The link's month and expiry; never its URL.",
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: LinkParams },
  responses: {
    200: jsonContent(ReportLinkSchema, "The link."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const deleteReportLink = createRoute({
  operationId: "deleteClientReportLink",
  method: "delete",
  path: "/v1/clients/{id}/report-links/{link_id}",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Withdraw a report share link at once (owner, release manager)",
    description: "The link's page answers 404 from the next request.",
  }),
  security: bearerSecurity,
  "x-roles": REPORT_LINK_WRITE_ROLES,
  request: { params: LinkParams },
  responses: { 204: { description: "Withdrawn." }, ...errorResponses(...TENANT_READ_ERRORS) },
});

export const showSharedReport = createRoute({
  operationId: "showSharedClientReport",
  method: "get",
  path: "/s/{token}",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "A client's monthly report through its share link (no login)",
    description:
      "The printable report page the share link opens. Works until the link expires or the agency withdraws it.",
  }),
  security: [],
  request: {
    params: z.object({
      token: z
        .string()
        .max(2000)
        .openapi({
          param: { name: "token", in: "path" },
          ...(OPENAPI_DOCS && { description: "The signed link token." }),
        }),
    }),
  },
  responses: {
    200: html("The report page."),
    404: html("The link is not valid, has expired or was withdrawn."),
    ...errorResponses<never>(),
  },
});
