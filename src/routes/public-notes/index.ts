import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppContext } from "../../app/context";
import { createRouter } from "../../app/create-app";
import { errorResponses } from "../../app/openapi";
import { OPENAPI_DOCS } from "../../app/openapi-docs";
import { withSystem } from "../../app/request-scope";
import { escapeHtml, fillNotesTemplate, renderMarkdown } from "../../domain/notifications";
import { PAGE_HEADERS, page } from "../../notifications/pages";
import { emailSettings } from "../../notifications/settings";

// Public, no login: release notes once published, as a page and an Atom feed per project.
// The agency is found by its slug as app_system (there is no token to scope by); only
// published notes and the names already on them are read.

interface PublishedNotes {
  release_id: string;
  agency: string;
  sender_name: string | null;
  timezone: string;
  template: string | null;
  project: string;
  project_slug: string;
  tenant_slug: string;
  version: string;
  title: string;
  change_log: { summary: string; kind: string | null }[];
  notes_markdown: string;
  published_at: string;
}

async function publishedNotes(
  c: AppContext,
  tenantSlug: string,
  projectSlug: string,
  version: string | null,
): Promise<PublishedNotes[]> {
  // Postgres text cannot hold U+0000, so no slug or version has it: nothing to look up (and no 500).
  if ([tenantSlug, projectSlug, version].some((value) => value?.includes("\u0000"))) return [];
  return withSystem(c, async (tx) => {
    const result = await tx.execute(sql`
      select r.id as release_id, t.name as agency, t.sender_name, coalesce(cl.timezone, t.timezone) as timezone,
        t.release_notes_template as template, p.name as project, p.slug as project_slug, t.slug as tenant_slug,
        r.version, r.title, r.change_log, r.notes_markdown,
        to_char(r.notes_published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as published_at
      from tenants t
      join projects p on p.tenant_id = t.id
      join clients cl on cl.tenant_id = p.tenant_id and cl.id = p.client_id
      join releases r on r.tenant_id = p.tenant_id and r.project_id = p.id
      where t.slug = ${tenantSlug} and p.slug = ${projectSlug}
        and r.notes_published_at is not null and r.notes_markdown is not null
        ${version === null ? sql`` : sql`and r.version = ${version}`}
      order by r.notes_published_at desc
      limit ${version === null ? 50 : 1}`);
    return result.rows as unknown as PublishedNotes[];
  });
}

function displayDate(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-AU", { timeZone, dateStyle: "long" }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}

function articleHtml(notes: PublishedNotes): string {
  const markdown = fillNotesTemplate(notes.template, {
    notes: notes.notes_markdown,
    change_log: notes.change_log ?? [],
    project: notes.project,
    version: notes.version,
    title: notes.title,
    published_date: displayDate(notes.published_at, notes.timezone),
    agency: notes.sender_name ?? notes.agency,
  });
  return renderMarkdown(markdown, 1);
}

function notFoundPage(c: AppContext) {
  return c.html(
    page({
      title: "Release notes not found",
      noindex: true,
      body: "<h1>Release notes not found</h1><p>There are no published release notes at this address.</p>",
    }),
    404,
    PAGE_HEADERS,
  );
}

/** Links on the public pages come from configuration only, never from the request's Host header. */
const origin = (c: AppContext) => emailSettings(c.get("config")).publicBaseUrl;

const SlugParams = z.object({
  tenant_slug: z
    .string()
    .max(100)
    .openapi({ param: { name: "tenant_slug", in: "path" } }),
  project_slug: z
    .string()
    .max(100)
    .openapi({ param: { name: "project_slug", in: "path" } }),
});

const feedRoute = createRoute({
  operationId: "getPublicNotesFeed",
  ...(OPENAPI_DOCS && {
    description:
      "An Atom feed of a project's published release notes, newest first, for clients' feed readers. Public: no credentials.",
    summary: "Atom feed of a project's published release notes (public)",
  }),
  security: [],
  method: "get",
  path: "/r/{tenant_slug}/{project_slug}/feed.atom",
  tags: ["Release notes"],
  request: { params: SlugParams },
  responses: {
    200: { description: "The feed.", content: { "application/atom+xml": { schema: z.string() } } },
    404: {
      description: "No published notes for this project.",
      content: { "text/html": { schema: z.string() } },
    },
    ...errorResponses<never>(),
  },
});

const pageRoute = createRoute({
  operationId: "getPublicNotesPage",
  security: [],
  method: "get",
  path: "/r/{tenant_slug}/{project_slug}/{version}",
  tags: ["Release notes"],
  ...(OPENAPI_DOCS && {
    summary: "A release's published notes as an accessible HTML page (public)",
    description: "404 until the notes are published. Self-contained: no scripts and no third-party assets.",
  }),
  request: {
    params: SlugParams.extend({
      version: z
        .string()
        .max(100)
        .openapi({ param: { name: "version", in: "path" } }),
    }),
  },
  responses: {
    200: { description: "The page.", content: { "text/html": { schema: z.string() } } },
    404: {
      description: "Not published (or no such release).",
      content: { "text/html": { schema: z.string() } },
    },
    ...errorResponses<never>(),
  },
});

const xml = (text: string) => escapeHtml(text);

// A slug or version longer than any that exists names nothing: the public 404 page, not a JSON 400.
const notFoundWhenInvalid = (result: { success: boolean }, c: AppContext) =>
  result.success ? undefined : (notFoundPage(c) as never);

export const publicNotesRouter = createRouter()
  .openapi(
    feedRoute,
    async (c) => {
      const { tenant_slug, project_slug } = c.req.valid("param");
      const entries = await publishedNotes(c, tenant_slug, project_slug, null);
      const first = entries[0];
      if (!first) return notFoundPage(c) as never;
      const base = `${origin(c)}/r/${encodeURIComponent(tenant_slug)}/${encodeURIComponent(project_slug)}`;
      const feed = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-AU">',
        `<title>${xml(`${first.project} release notes`)}</title>`,
        `<id>${xml(`${base}/feed.atom`)}</id>`,
        `<link rel="self" type="application/atom+xml" href="${xml(`${base}/feed.atom`)}"/>`,
        `<updated>${first.published_at}</updated>`,
        `<author><name>${xml(first.sender_name ?? first.agency)}</name></author>`,
        ...entries.map((entry) => {
          const url = `${base}/${encodeURIComponent(entry.version)}`;
          return [
            "<entry>",
            `<title>${xml(`${entry.project} ${entry.version}: ${entry.title}`)}</title>`,
            `<id>urn:uuid:${entry.release_id}</id>`,
            `<link rel="alternate" type="text/html" href="${xml(url)}"/>`,
            `<updated>${entry.published_at}</updated>`,
            `<published>${entry.published_at}</published>`,
            `<content type="html">${xml(articleHtml(entry))}</content>`,
            "</entry>",
          ].join("");
        }),
        "</feed>",
      ].join("\n");
      return c.body(feed, 200, {
        "Content-Type": "application/atom+xml; charset=utf-8",
        "Cache-Control": "public, max-age=300",
      }) as never;
    },
    notFoundWhenInvalid,
  )
  .openapi(
    pageRoute,
    async (c) => {
      const { tenant_slug, project_slug, version } = c.req.valid("param");
      const [notes] = await publishedNotes(c, tenant_slug, project_slug, version);
      if (!notes) return notFoundPage(c) as never;
      const heading = `${notes.project} ${notes.version}`;
      const body = [
        "<header>",
        `<p>${escapeHtml(notes.sender_name ?? notes.agency)}</p>`,
        `<h1>${escapeHtml(heading)}</h1>`,
        `<p>${escapeHtml(notes.title)} · Published <time datetime="${notes.published_at}">${escapeHtml(
          displayDate(notes.published_at, notes.timezone),
        )}</time></p>`,
        "</header>",
        `<article aria-label="Release notes">${articleHtml(notes)}</article>`,
        `<footer><p>Published by ${escapeHtml(notes.sender_name ?? notes.agency)}. <a href="feed.atom">Follow these release notes (Atom feed)</a>.</p></footer>`,
      ].join("\n");
      return c.html(
        page({
          title: `${heading} release notes`,
          head: `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(
            `${notes.project} release notes`,
          )}" href="feed.atom">`,
          body,
        }),
        200,
        { ...PAGE_HEADERS, "Cache-Control": "public, max-age=60" },
      ) as never;
    },
    notFoundWhenInvalid,
  );
