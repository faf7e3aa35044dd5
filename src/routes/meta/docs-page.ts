// Renders the OpenAPI document as one self-contained HTML page: no scripts,
// fonts or styles from third-party hosts (agencies' CSPs block them, and every
// outside request discloses the reader), so it works offline too.
import { PROBLEM_STATUS, PROBLEM_TITLES, type ProblemCode } from "../../lib/problem";

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: unknown;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  /** The member roles that may call the operation at all (src/app/openapi.ts). */
  "x-roles"?: string[];
  /** Inline, or a `$ref` to a shared one in components/parameters (pagination). */
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

export interface OpenApiDocumentShape {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; parameters?: Record<string, Parameter> };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch,
  );

function schemaName(schema: unknown): string {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  return ref ? (ref.split("/").at(-1) ?? "") : "";
}

function renderOperation(
  method: string,
  path: string,
  op: Operation,
  shared: Record<string, Parameter> = {},
): string {
  const anchor = `${method}-${path}`.replace(/[^\w-]/g, "-");
  const params = (op.parameters ?? [])
    .flatMap((p) => {
      if (!("$ref" in p)) return [p];
      const found = shared[p.$ref.split("/").at(-1) ?? ""];
      return found ? [found] : [];
    })
    .map(
      (p) =>
        `<li><code>${escapeHtml(p.name)}</code> <span class="muted">(${escapeHtml(p.in)}${p.required ? ", required" : ""})</span>${
          p.description ? ` — ${escapeHtml(p.description)}` : ""
        }</li>`,
    )
    .join("");
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<li><code>${escapeHtml(status)}</code> ${escapeHtml(r.description ?? "")}</li>`)
    .join("");
  const auth = op.security?.length ? Object.keys(op.security[0] ?? {}).join(", ") : "none";
  const roles = op["x-roles"]?.length ? ` · roles: ${op["x-roles"].join(", ")}` : "";
  return `<section class="op" id="${anchor}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? "")}</p>${op.description ? `<p class="muted">${escapeHtml(op.description)}</p>` : ""}
<p class="muted">Auth: ${escapeHtml(auth)}${escapeHtml(roles)}</p>
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ""}
${body ? `<h4>Body</h4><p><a href="#schema-${escapeHtml(schemaName(body))}">${escapeHtml(schemaName(body) || "JSON")}</a></p>` : ""}
<h4>Responses</h4><ul>${responses}</ul>
</section>`;
}

export function renderDocsPage(doc: OpenApiDocumentShape): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "Other";
      byTag.set(tag, [
        ...(byTag.get(tag) ?? []),
        renderOperation(method, path, op, doc.components?.parameters),
      ]);
    }
  }
  const nav = [...byTag.keys()]
    .map((tag) => `<li><a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a></li>`)
    .join("");
  const sections = [...byTag.entries()]
    .map(([tag, ops]) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join("")}`)
    .join("");
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(
      ([name, schema]) =>
        `<details id="schema-${escapeHtml(name)}"><summary><code>${escapeHtml(name)}</code></summary><pre>${escapeHtml(
          JSON.stringify(schema, null, 2),
        )}</pre></details>`,
    )
    .join("");
  const problems = (Object.keys(PROBLEM_STATUS) as ProblemCode[])
    .map(
      (code) =>
        `<li id="problem-${code}"><code>${code}</code> (${PROBLEM_STATUS[code]}): ${escapeHtml(PROBLEM_TITLES[code])}</li>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} — API reference</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#fff}
main{max-width:960px;margin:0 auto;padding:1.5rem}
header{border-bottom:1px solid #d0d7de;margin-bottom:1rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em}
pre{background:#f6f8fa;padding:.75rem;overflow:auto}
.op{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}
.method{display:inline-block;min-width:4.5em;font-weight:700;color:#fff;background:#57606a;border-radius:4px;padding:0 .4em;text-align:center}
.get{background:#0969da}.post{background:#1a7f37}.put{background:#9a6700}.patch{background:#8250df}.delete{background:#cf222e}
.muted{color:#57606a}
nav ul{columns:3;padding-left:1.2rem}
</style></head>
<body><main>
<header><h1>${escapeHtml(doc.info.title)} <small class="muted">v${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description ?? "")}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p></header>
<nav aria-label="Sections"><ul>${nav}<li><a href="#schemas">Schemas</a></li><li><a href="#problems">Problems</a></li></ul></nav>
${sections}
<h2 id="schemas">Schemas</h2>${schemas}
<h2 id="problems">Problems</h2>
<p>Errors are <code>application/problem+json</code> (RFC 9457) with <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, <code>instance</code>, <code>request_id</code> and <code>code</code>; validation errors add <code>errors[]</code> with paths, refused transitions <code>unmet_gates[]</code>.</p>
<ul>${problems}</ul>
</main></body></html>`;
}
