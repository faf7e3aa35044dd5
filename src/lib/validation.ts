import { z } from "@hono/zod-openapi";
import { OPENAPI_DOCS } from "../app/openapi-docs";

export const AU_STATES = ["NSW", "VIC", "QLD", "SA", "WA", "TAS", "ACT", "NT"] as const;
export type AuState = (typeof AU_STATES)[number];

export const AuStateSchema = z
  .enum(AU_STATES, { message: `state must be one of ${AU_STATES.join(", ")}` })
  .openapi({
    ...(OPENAPI_DOCS && {
      description: "Australian state or territory; decides which public holidays apply.",
    }),
  });

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-AU", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: "timezone must be an IANA time zone such as Australia/Sydney" })
  .openapi({ example: "Australia/Sydney", ...(OPENAPI_DOCS && { description: "IANA time zone." }) });

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;

/**
 * A name or title: one line of text. Names reach email subjects and display names, calendar
 * summaries and page titles, where a line break could start a new header or paragraph, so control
 * characters are refused (with what to fix) rather than carried along.
 */
export const NameSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .refine((value) => !CONTROL_CHARACTERS.test(value), {
    message: "must be one line, without line breaks, tabs or other control characters",
  });

export const EmailSchema = z
  .email({ message: "must be an email address" })
  .max(254)
  .transform((value) => value.trim());

export const SlugSchema = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    "must be lower-case letters, digits and dashes, 1–63 characters",
  );

export const RepositorySchema = z
  .string()
  .regex(/^[\w.-]+\/[\w.-]+(?:\/[\w.-]+)*$/, "must be owner/name (GitLab subgroups as group/subgroup/name)")
  .max(255)
  .transform((value) => value.toLowerCase())
  .openapi({ example: "acme-digital/harbour-cafe-site" });

export const HttpsUrlSchema = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2048);
