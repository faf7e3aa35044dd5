import type { EventPayload } from "./payload";

// What a person reads in Slack or Teams for each event: one headline, the facts as a list, and a
// link to the release. Built from the payload alone, so a retry sends exactly the same message.

const STAGE_WORDS: Readonly<Record<string, string>> = {
  planning: "planning",
  pre_deployment_verification: "pre-deployment verification",
  deployment_execution: "deployment",
  post_deployment_verification: "post-deployment verification",
  communication_closure: "communication and closure",
  closed: "closed",
};

const words = (value: unknown) => String(value ?? "").replaceAll("_", " ");
const stage = (value: unknown) => STAGE_WORDS[String(value)] ?? words(value);

export function headline(payload: EventPayload): string {
  const { data } = payload;
  const name = data.release ? `${data.release.project.name} ${data.release.version}` : "Release Pilot";
  switch (payload.type) {
    case "release.created":
      return `${name} was created (planning)`;
    case "release.stage_changed":
      return `${name} moved from ${stage(data.from_stage)} to ${stage(data.to_stage)}`;
    case "release.decision_recorded":
      return `${name}: ${words(data.decision)} decision, ${words(data.outcome)}`;
    case "release.scheduled":
      return `${name} is approved and scheduled for its window`;
    case "release.deployment_failed":
      return `${name}: the deployment failed; a rollback decision is waiting`;
    case "release.rolled_back":
      return `${name} was rolled back`;
    case "release.rollback_failed":
      return `${name}: the rollback FAILED; production may be partly restored`;
    case "release.closed":
      return `${name} is closed`;
    case "window.opened":
      return `${name}: the deployment window opened; deployment is starting`;
    case "approval.recorded":
      return `${name}: the client answered (${words(data.kind)}: ${words(data.decision)})`;
    case "webhook.test":
      return "Release Pilot test event: this endpoint receives release events";
  }
}

function facts(payload: EventPayload): [string, string][] {
  const release = payload.data.release;
  if (!release) return [["Sent", payload.timestamp]];
  return [
    ["Client", release.client.name],
    ["Project", release.project.name],
    ["Version", `${release.version} (attempt ${release.attempt})`],
    ["Stage", `${stage(release.stage)}, ${words(release.status)}`],
  ];
}

/** Block Kit for a Slack incoming webhook; `text` is the notification's fallback. */
export function slackMessage(payload: EventPayload): unknown {
  const title = headline(payload);
  const release = payload.data.release;
  return {
    text: title,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeSlack(title)}*` } },
      ...(release
        ? [{ type: "section", text: { type: "mrkdwn", text: escapeSlack(`"${release.title}"`) } }]
        : []),
      {
        type: "context",
        elements: facts(payload).map(([label, value]) => ({
          type: "mrkdwn",
          text: `${label}: ${escapeSlack(value)}`,
        })),
      },
      ...(release
        ? [
            {
              type: "actions",
              elements: [
                { type: "button", text: { type: "plain_text", text: "Open the release" }, url: release.url },
              ],
            },
          ]
        : []),
    ],
  };
}

/** An Adaptive Card for a Teams incoming webhook (Workflows) or connector. */
export function teamsMessage(payload: EventPayload): unknown {
  const title = headline(payload);
  const release = payload.data.release;
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: title, weight: "Bolder", wrap: true },
            ...(release ? [{ type: "TextBlock", text: release.title, wrap: true, isSubtle: true }] : []),
            { type: "FactSet", facts: facts(payload).map(([title, value]) => ({ title, value })) },
          ],
          actions: release ? [{ type: "Action.OpenUrl", title: "Open the release", url: release.url }] : [],
        },
      },
    ],
  };
}

/** Slack's mrkdwn gives `&`, `<` and `>` meaning; names are agency text. */
function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
