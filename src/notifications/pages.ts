import { escapeHtml } from "../domain/notifications";

/**
 * Pages people open without logging in (unsubscribe, public release notes):
 * self-contained HTML, no scripts, no third-party assets (DESIGN §5), a strict
 * CSP that allows only the inline stylesheet below.
 */
export const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

const STYLE = `
  :root { color-scheme: light dark; }
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.6; margin: 0; background: Canvas; color: CanvasText; }
  main { max-width: 44rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
  header p { margin: 0; color: GrayText; }
  h1 { line-height: 1.25; margin: 0.25rem 0 1rem; }
  a { color: LinkText; }
  a:focus-visible, button:focus-visible { outline: 3px solid Highlight; outline-offset: 2px; }
  button { font: inherit; padding: 0.6rem 1.2rem; border-radius: 0.4rem; border: 2px solid ButtonText; background: ButtonFace; color: ButtonText; cursor: pointer; }
  footer { margin-top: 3rem; font-size: 0.9rem; color: GrayText; border-top: 1px solid GrayText; padding-top: 1rem; }
  code { font-family: ui-monospace, monospace; }
`;

export function page(options: { title: string; head?: string; body: string; noindex?: boolean }): string {
  return [
    "<!doctype html>",
    '<html lang="en-AU">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    options.noindex ? '<meta name="robots" content="noindex">' : "",
    `<title>${escapeHtml(options.title)}</title>`,
    `<style>${STYLE}</style>`,
    options.head ?? "",
    "</head>",
    `<body><main id="main">${options.body}</main></body>`,
    "</html>",
  ].join("\n");
}
