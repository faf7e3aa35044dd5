import { BASE_URL, ids, names, times } from "./world";

// Examples for the answers that are documents rather than JSON: the plan in markdown, the
// iCalendar feed, the SVG chart, the Atom feed and the HTML pages. Keyed by operationId, then by
// status: each document belongs to one operation (whose JSON answer, if any, is illustrated by
// its schema's example). Pages are shortened to their structure (the
// served ones carry the shared stylesheet from src/notifications/pages.ts).

const htmlPage = (title: string, body: string) =>
  [
    "<!doctype html>",
    '<html lang="en-AU">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="robots" content="noindex">',
    `<title>${title}</title>`,
    "</head>",
    `<body><main id="main">${body}</main></body>`,
    "</html>",
  ].join("\n");

const invalidLink = htmlPage(
  "Link not valid",
  "<h1>Link not valid</h1><p>This link is not valid or has expired. Ask Paddock &amp; Pixel for a new one.</p>",
);

const invalidApprovalLink = htmlPage(
  "This link is not valid",
  "<h1>This link is not valid</h1><p>It may be incomplete or have been altered. Open the link from the email again, or ask the agency for a new one.</p>",
);

const withdrawnApprovalLink = htmlPage(
  "This link was withdrawn",
  "<header><p>Paddock &amp; Pixel</p></header><h1>This link was withdrawn</h1><p>Paddock &amp; Pixel withdrew this request, so it no longer takes an answer. They can send a new link if they still need one.</p>",
);

const approvalPage = htmlPage(
  `Approve ${names.project} ${names.version} for release?`,
  [
    "<header><p>Paddock &amp; Pixel</p></header>",
    `<h1>Approve ${names.project} ${names.version} for release?</h1>`,
    "<p>“2.4.0 — Summer sale landing pages”</p>",
    '<dl class="facts"><dt>Client</dt><dd>Harbour Bikes</dd><dt>Project</dt><dd>harbourbikes.com.au</dd><dt>Version</dt><dd>2.4.0</dd>',
    "<dt>Deployment window</dt><dd>Tuesday 8 December 2026, 10:00 pm to 11:30 pm AEDT</dd></dl>",
    "<h2>What changes</h2><ul><li><strong>feature:</strong> Summer sale landing pages</li></ul>",
    "<h2>Test results</h2><ul><li>Staging: 3 passed</li></ul>",
    '<form method="post"><h2>Your decision</h2><label for="note">Note (optional)</label><textarea id="note" name="note" maxlength="4000"></textarea>',
    '<div class="actions"><button type="submit" name="decision" value="approved">Approve</button><button type="submit" name="decision" value="changes_requested">Request changes</button></div>',
    "<p>This link works once, until Sunday 6 December 2026, 4:02 pm AEDT.</p></form>",
  ].join(""),
);

const answeredPage = htmlPage(
  "Thank you",
  `<header><p>Paddock &amp; Pixel</p></header><h1>Approve ${names.project} ${names.version} for release?</h1><p class="ok" role="status">Thank you. Your answer is recorded: Approved, Friday 4 December 2026, 9:14 am AEDT.</p><p>Paddock &amp; Pixel can see your answer now. This link cannot be used again.</p>`,
);

const alreadyAnsweredPage = htmlPage(
  "You have already answered",
  "<header><p>Paddock &amp; Pixel</p></header><h1>You have already answered</h1><p>This link was used on Friday 4 December 2026, 9:14 am AEDT; the first answer stands. Contact Paddock &amp; Pixel to change it.</p>",
);

const planMarkdown = `# ${names.client} — ${names.project} ${names.title}

- Risk: high (attempt 1), stage: pre-deployment verification
- Window: Tue 8 Dec 2026, 10:00 pm – 11:30 pm AEDT (${names.timezone}), confirmed
- Release manager: ${names.releaseManager}; engineer: ${names.engineer}; approver: ${names.approver}

## Compliance

Touches pricing, promotions or claims: Australian Consumer Law ss 18, 29, 48.

## Rollback procedure

1. Switch Vercel production alias back to 2.3.2
2. Purge the CDN cache for /sale/*
3. Tell Harbour Bikes' marketing lead the sale pages are down
`;

const calendarFeed = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Release Pilot//Deployment calendar//EN",
  "X-WR-CALNAME:Paddock & Pixel deployments",
  "BEGIN:VEVENT",
  `UID:${ids.maintenanceWindow}@${times.windowStarts}`,
  "DTSTAMP:20261203T050219Z",
  "DTSTART:20261208T110000Z",
  "DTEND:20261208T130000Z",
  "SUMMARY:Tuesday night maintenance",
  `DESCRIPTION:Release ${names.title} (${names.project})`,
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");

const doraChart = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="240" viewBox="0 0 640 240" role="img" aria-labelledby="t"><title id="t">Deployments per month, ${names.client}, Sep–Nov 2026</title><rect x="80" y="120" width="120" height="90" fill="#2b6cb0"/><rect x="260" y="90" width="120" height="120" fill="#2b6cb0"/><rect x="440" y="90" width="120" height="120" fill="#2b6cb0"/></svg>`;

const notesFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>${names.project} release notes</title>
<id>${BASE_URL}/r/paddock-and-pixel/harbourbikes/feed.atom</id>
<updated>2026-12-09T02:00:00.000Z</updated>
<entry><title>${names.title}</title><id>${BASE_URL}/r/paddock-and-pixel/harbourbikes/2.4.0</id><link href="${BASE_URL}/r/paddock-and-pixel/harbourbikes/2.4.0"/><updated>2026-12-09T02:00:00.000Z</updated></entry>
</feed>
`;

const clientReportPage = htmlPage(
  `${names.client} — releases in November 2026`,
  `<h1>${names.client} — releases in November 2026</h1><p>Prepared by Paddock &amp; Pixel. Times in ${names.timezone}.</p><h2>Shipped</h2><ul><li>${names.project} 2.3.2 — Click &amp; collect store picker, Tue 17 Nov 2026, 10:22 pm</li></ul><h2>Delivery</h2><p>4 deployments, lead time 47.5 h (median), no failed changes.</p>`,
);

// Documents are strings; a form body (application/x-www-form-urlencoded) is its fields.
export const documentExamples: Record<string, Record<string, string | Record<string, string>>> = {
  getReleasePlan: { "200": planMarkdown },
  getCalendarFeed: { "200": calendarFeed },
  getDoraChart: { "200": doraChart },
  getClientReport: { "200": clientReportPage },
  showSharedClientReport: { "200": clientReportPage, "404": invalidLink },
  showApprovalPage: { "200": approvalPage, "404": invalidApprovalLink, "410": withdrawnApprovalLink },
  answerApprovalPage: {
    request: { decision: "approved", note: "Looks great on my phone. The 20 % banner is right." },
    "200": answeredPage,
    "404": invalidApprovalLink,
    "409": alreadyAnsweredPage,
    "410": withdrawnApprovalLink,
    "422": htmlPage(
      "That answer is not one this page offers",
      "<h1>That answer is not one this page offers</h1><p>Go back to the page and choose one of its buttons.</p>",
    ),
  },
  getPublicNotesFeed: {
    "200": notesFeed,
    "404": htmlPage(
      "Release notes not found",
      "<h1>Release notes not found</h1><p>There are no published release notes at this address.</p>",
    ),
  },
  getPublicNotesPage: {
    "200": htmlPage(
      `${names.title} — ${names.project}`,
      `<h1>${names.project} ${names.title}</h1><p>Published Wed 9 Dec 2026</p><ul><li>Summer sale pages for road, gravel and kids' bikes</li><li>Countdown banner to the Boxing Day sale</li></ul>`,
    ),
    "404": htmlPage(
      "Release notes not found",
      "<h1>Release notes not found</h1><p>There are no published release notes at this address.</p>",
    ),
  },
  showUnsubscribePage: {
    "200": htmlPage(
      "Unsubscribe",
      `<h1>Unsubscribe</h1><p>Stop release emails from Paddock &amp; Pixel to s•••@harbourbikes.com.au?</p><form method="post"><button type="submit">Unsubscribe</button></form>`,
    ),
    "404": invalidLink,
  },
  unsubscribe: {
    "200": htmlPage(
      "Unsubscribed",
      "<h1>Unsubscribed</h1><p>You will get no more release emails from Paddock &amp; Pixel.</p>",
    ),
    "404": invalidLink,
  },
  showSenderConfirmationPage: {
    "200": htmlPage(
      "Confirm your address",
      `<h1>Confirm your address</h1><p>Paddock &amp; Pixel wants to send release emails from releases@paddockandpixel.com.au.</p><form method="post"><button type="submit">Confirm</button></form>`,
    ),
    "404": invalidLink,
  },
  confirmSenderAddress: {
    "200": htmlPage(
      "Address confirmed",
      "<h1>Address confirmed</h1><p>Release emails from Paddock &amp; Pixel now come from releases@paddockandpixel.com.au.</p>",
    ),
    "404": invalidLink,
  },
};
