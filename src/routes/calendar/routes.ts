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
  CalendarQuery,
  CalendarSchema,
  FeedQuery,
  FeedTokenCreateSchema,
  FeedTokenPageSchema,
  FeedTokenSchema,
  IssuedFeedTokenSchema,
  MAX_CALENDAR_DAYS,
} from "./schemas";

const tags = ["Calendar"];
/** Either scheme authorises the feed. */
const feedSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { calendarFeedToken: [] }];

/** Who may issue and revoke calendar feed tokens (`x-roles` and the handlers' role check). */
export const FEED_TOKEN_WRITE_ROLES = ["owner", "release_manager"] as const satisfies readonly Role[];

export const getCalendar = createRoute({
  operationId: "getCalendar",
  method: "get",
  path: "/v1/calendar",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Concrete window occurrences, freezes and public holidays between two instants",
    description: `UTC and local times, freezes and holidays marked, and the releases booked into each occurrence. At most ${MAX_CALENDAR_DAYS} days per request. With \`project_id\` or \`client_id\`, only what applies to that project's or client's releases: the most specific windows per kind, every freeze, and the client's state's holidays.`,
  }),
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: CalendarQuery },
  responses: {
    200: jsonContent(CalendarSchema, "The calendar."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const getCalendarFeed = createRoute({
  operationId: "getCalendarFeed",
  method: "get",
  path: "/v1/calendar.ics",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Subscribable iCalendar feed (RFC 5545) of windows, freezes, holidays and booked releases",
    description:
      "From 31 days ago to a year ahead, all times in UTC. Authorised by any member's bearer token, or by `?token=` (a calendar feed token) for calendar apps that cannot send headers.",
  }),
  security: feedSecurity,
  "x-roles": ROLES,
  request: { query: FeedQuery },
  responses: {
    200: { description: "The feed.", content: { "text/calendar": { schema: z.string() } } },
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const createFeedToken = createRoute({
  operationId: "createFeedToken",
  method: "post",
  path: "/v1/calendar/feed-tokens",
  tags,
  ...(OPENAPI_DOCS && {
    summary: "Issue a calendar feed token (owner, release manager)",
    description:
      "The token is returned once; only its SHA-256 is stored. It stops working when revoked or when the member who created it is removed.",
  }),
  security: bearerSecurity,
  "x-roles": FEED_TOKEN_WRITE_ROLES,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(FeedTokenCreateSchema) },
  responses: {
    201: createdContent(
      IssuedFeedTokenSchema,
      "The token and the feed URL (shown once).",
      "/v1/calendar/feed-tokens/{id}",
    ),
    ...errorResponses(...TENANT_WRITE_ERRORS),
  },
});

export const listFeedTokens = createRoute({
  operationId: "listFeedTokens",
  ...(OPENAPI_DOCS && {
    description:
      "The calendar feed tokens issued, with their scope (agency, client or project) and who issued them; the secret part is never shown again.",
    summary: "The agency's calendar feed tokens (never the tokens themselves)",
  }),
  method: "get",
  path: "/v1/calendar/feed-tokens",
  tags,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { query: PaginationQuery },
  responses: {
    200: jsonContent(FeedTokenPageSchema, "A page of feed tokens."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const getFeedToken = createRoute({
  operationId: "getFeedToken",
  ...(OPENAPI_DOCS && {
    description: "One calendar feed token's scope, name and state; never the token itself.",
    summary: "One calendar feed token (never the token itself)",
  }),
  method: "get",
  path: "/v1/calendar/feed-tokens/{id}",
  tags,
  security: bearerSecurity,
  "x-roles": ROLES,
  request: { params: z.object({ id: UuidParam("id", "Feed token id.") }) },
  responses: {
    200: jsonContent(FeedTokenSchema, "The feed token, without its value."),
    ...errorResponses(...TENANT_READ_ERRORS),
  },
});

export const revokeFeedToken = createRoute({
  operationId: "revokeFeedToken",
  ...(OPENAPI_DOCS && {
    description: "Revokes a feed token at once: calendar apps using its URL get 401 from the next fetch.",
    summary: "Revoke a calendar feed token at once (owner, release manager)",
  }),
  method: "delete",
  path: "/v1/calendar/feed-tokens/{id}",
  tags,
  security: bearerSecurity,
  "x-roles": FEED_TOKEN_WRITE_ROLES,
  request: { params: z.object({ id: UuidParam("id", "Feed token id.") }) },
  responses: { 204: { description: "Revoked." }, ...errorResponses(...TENANT_READ_ERRORS) },
});
