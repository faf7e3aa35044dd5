import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { runtimeConfig } from "../../../src/env";
import { linkKeysOf, signUnsubscribeToken } from "../../../src/notifications/unsubscribe-token";
import { settle } from "../../notifications/support";
import {
  createRelease,
  go,
  ok,
  readyForGo,
  toPostDeployment,
  toPreDeployment,
  verificationPassed,
} from "../../releases/release-driver";
import { api } from "../../support/api";
import { type SeededAgency, seedAgency } from "../../support/harness";
import { pathParameterNames } from "./spec";

/**
 * One agency with one of everything an operation can name in its path, built
 * through the API the way a customer would. The sweeps fill every path
 * parameter from here; a route whose parameter the world cannot fill fails
 * loudly (see fillPath) instead of being skipped.
 */
export interface World {
  agency: SeededAgency;
  /** Ids by the collection segment before `{…}`: "releases" → a release id. */
  byCollection: Record<string, string>;
  /** Values by parameter name, for public routes: tenant_slug, project_slug, version, token, integration_id. */
  byName: Record<string, string>;
  /** A member and a token the sweeps may change or delete; the agency's own role tokens stay usable. */
  spare: { memberId: string; tokenId: string };
  /** The release that is rolled back with an open investigation (the one `releases/{id}` names). */
  releaseId: string;
  /** A release whose notes are published (the public notes page and feed). */
  publishedReleaseId: string;
  /** One release in each state a command can meet: planning, verification, execution, rolled back, closure. */
  releasesAtEveryStage: string[];
}

async function created(path: string, token: string, body: unknown, method = "POST") {
  const res = await api(path, { method, token, body });
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res.body;
}

export async function seedWorld(): Promise<World> {
  const agency = await seedAgency();
  const { owner, release_manager: manager, engineer } = agency.tokens;

  const spareMember = await created("/v1/members", owner, {
    name: "Spare Fixture",
    email: `spare@${agency.slug}.example`,
    role: "engineer",
  });
  const spareToken = await created("/v1/tokens", owner, { member_id: spareMember.id, name: "spare" });
  const contact = await created("/v1/contacts", owner, {
    name: "Casey Stakeholder",
    email: `casey@${agency.slug}.example`,
    role: "Marketing manager",
    client_id: agency.clientId,
    consent: {
      basis: "express",
      obtained_at: "2026-01-10T00:00:00Z",
      method: "Ticked the release-updates box on the kickoff form",
    },
  });
  const window = await created("/v1/windows", manager, {
    kind: "maintenance",
    name: "Tuesday night maintenance",
    start: "2026-12-01T22:00",
    duration_minutes: 120,
    recurrence: { freq: "weekly", by_day: ["TU"] },
  });
  const feedToken = await created("/v1/calendar/feed-tokens", manager, { name: "Ops calendar" });
  const reportLink = await created(`/v1/clients/${agency.clientId}/report-links`, manager, {
    month: "2026-10",
  });
  await created(
    "/v1/checklist-template",
    owner,
    {
      items: [
        {
          key: "analytics_tags",
          title: "Analytics tags fire on the new pages",
          stage: "pre_deployment_verification",
          required: true,
          category: "general",
        },
      ],
    },
    "PUT",
  );
  // An endpoint for an event no sweep causes (only the cron opens windows), so no delivery is sent
  // in the background while the sweeps compare before and after; its test delivery is the one
  // the deliveries routes name.
  const endpoint = await created("/v1/webhook-endpoints", owner, {
    url: `${inject("webhookReceiverUrl")}/r/hardening-world`,
    events: ["window.opened"],
    description: "Hardening world",
  });
  const endpointDelivery = await created(`/v1/webhook-endpoints/${endpoint.id}/test`, owner, undefined);
  const integration = await created("/v1/integrations", manager, {
    provider: "github",
    name: "GitHub Actions",
    project_ids: [agency.projectId],
    stage_map: { "Staging tests": "staging", "Smoke tests": "smoke", production: "deployment" },
  });

  // The rich release: team with an approver, sign-off, checklist, test results,
  // deployment log, an issue report, a rollback and its investigation.
  const releaseId = await createRelease(agency, { risk: "low" });
  await created(
    `/v1/releases/${releaseId}/recipients`,
    manager,
    {
      contacts: [{ contact_id: contact.id, role: "client_stakeholder" }],
    },
    "PUT",
  );
  await created(`/v1/releases/${releaseId}/notes`, manager, { markdown: "Draft notes" }, "PUT");
  await created(
    `/v1/releases/${releaseId}/test-plan`,
    manager,
    { entries: [{ stage: "staging", suite: "e2e" }] },
    "PUT",
  );
  await created(
    `/v1/releases/${releaseId}/monitoring-dashboards`,
    manager,
    { dashboards: [{ name: "Errors", url: "https://grafana.example/d/errors" }] },
    "PUT",
  );
  await toPreDeployment(agency, releaseId, [agency.members.owner.id]);
  await created(`/v1/releases/${releaseId}/sign-offs`, owner, { decision: "approved", note: "Looks right" });
  const approvalRequest = await created(`/v1/releases/${releaseId}/approval-requests`, manager, {
    contact_id: contact.id,
    kind: "sign_off",
  });
  await readyForGo(agency, releaseId);
  await go(agency, releaseId);
  await created(`/v1/releases/${releaseId}/deployment-log`, engineer, { kind: "deployment_completed" });
  await created(`/v1/releases/${releaseId}/test-results`, engineer, {
    stage: "smoke",
    suite: "smoke",
    status: "passed",
  });
  await created(`/v1/releases/${releaseId}/transitions`, manager, { to: "post_deployment_verification" });
  const checklist = await ok(`/v1/releases/${releaseId}/checklist`, agency.tokens.viewer);
  const itemId = (checklist.body.items as { id: string }[])[0]?.id;
  const issue = await created(`/v1/releases/${releaseId}/issues`, engineer, {
    severity: "high",
    description: "Checkout button unresponsive on Safari",
  });
  await created(`/v1/releases/${releaseId}/decisions`, manager, {
    kind: "rollback",
    rationale: "Checkout errors",
  });
  await created(`/v1/releases/${releaseId}/rollback-steps`, engineer, { position: 1, outcome: "done" });
  await created(`/v1/releases/${releaseId}/rollback-steps`, engineer, { position: 2, outcome: "done" });
  const action = await created(`/v1/releases/${releaseId}/investigation/corrective-actions`, engineer, {
    description: "Add a Safari checkout test to staging",
    owner_id: agency.members.engineer.id,
  });

  // A second release taken to closure with published notes: the public page and feed.
  const publishedReleaseId = await createRelease(agency, { risk: "low" });
  await toPostDeployment(agency, publishedReleaseId);
  await verificationPassed(agency, publishedReleaseId);
  await created(`/v1/releases/${publishedReleaseId}/monitoring-confirmation`, engineer, {
    note: "Error rate flat",
  });
  await created(`/v1/releases/${publishedReleaseId}/decisions`, manager, {
    kind: "stability",
    outcome: "stable",
    rationale: "Metrics normal",
  });
  await created(
    `/v1/releases/${publishedReleaseId}/notes`,
    manager,
    { markdown: "## Faster checkout" },
    "PUT",
  );
  const published = await created(`/v1/releases/${publishedReleaseId}/notes/publish`, manager, undefined);
  expect(published.published_at).toBeTruthy();
  // Releases the fuzzer's commands can move: in planning, in verification, deploying.
  const planning = await createRelease(agency, { risk: "low" });
  const verifying = await createRelease(agency, { risk: "low" });
  await toPreDeployment(agency, verifying);
  const deploying = await createRelease(agency, { risk: "low" });
  await toPreDeployment(agency, deploying);
  await readyForGo(agency, deploying);
  await go(agency, deploying);
  // Stakeholder emails the commands queued are sent in the background; wait until every one is
  // settled, so nothing changes the agency's rows behind the sweeps' before/after fingerprints.
  for (const id of [releaseId, publishedReleaseId, planning, verifying, deploying]) await settle(agency, id);
  const project = await ok(`/v1/projects/${agency.projectId}`, owner);
  // The rich release's communication list heard of its rollback: one of those messages.
  const messages = await ok(`/v1/notifications?release_id=${releaseId}`, owner);
  const messageId = (messages.body.items as { id: string }[])[0]?.id;
  if (!messageId) throw new Error("the rich release queued no message for the world");
  const publishedRelease = await ok(`/v1/releases/${publishedReleaseId}`, owner);

  return {
    agency,
    releaseId,
    publishedReleaseId,
    releasesAtEveryStage: [planning, verifying, deploying, releaseId, publishedReleaseId],
    spare: { memberId: spareMember.id, tokenId: spareToken.id },
    byCollection: {
      members: spareMember.id,
      tokens: spareToken.id,
      clients: agency.clientId,
      projects: agency.projectId,
      releases: releaseId,
      checklist: itemId as string,
      issues: issue.id,
      "corrective-actions": action.id,
      windows: window.id,
      "feed-tokens": feedToken.id,
      "report-links": reportLink.id,
      "approval-requests": approvalRequest.id,
      "webhook-endpoints": endpoint.id,
      // /a/{token}: the approval request's link.
      a: new URL(approvalRequest.url).pathname.slice("/a/".length),
      integrations: integration.id,
      contacts: contact.id,
      notifications: messageId,
    },
    byName: {
      tenant_slug: agency.slug,
      // A checklist item named in a body (PATCH /v1/releases/{id}/checklist): the rich release's.
      item_id: itemId as string,
      project_slug: project.body.slug,
      version: publishedRelease.body.version,
      token: await signUnsubscribeToken(
        linkKeysOf(runtimeConfig(env)),
        { tenantId: agency.tenantId, contactId: contact.id },
        new Date(),
      ),
      integration_id: integration.id,
      delivery_id: endpointDelivery.id,
    },
  };
}

/** The world's value for each `{param}` of a path: by name first, else by the collection before it. */
export function pathValues(world: World, path: string): Record<string, string> {
  const segments = path.split("/");
  const values: Record<string, string> = {};
  for (const name of pathParameterNames(path)) {
    const index = segments.indexOf(`{${name}}`);
    const collection = segments[index - 1] ?? "";
    // A capability token belongs to its surface (`/a/` takes an approval link, not the unsubscribe
    // token the other pages get).
    const value =
      (name === "token" ? world.byCollection[collection] : undefined) ??
      world.byName[name] ??
      world.byCollection[collection];
    if (!value) {
      throw new Error(
        `The hardening world has nothing for {${name}} after "${collection}" in ${path}: add one to seedWorld().`,
      );
    }
    values[name] = value;
  }
  return values;
}

/**
 * For a release's own operations (`/v1/releases/{id}/…` with no other
 * parameter), the path at every release of the world, so generated commands
 * meet each state; undefined for any other path.
 */
export function releasePathChoices(world: World, path: string): string[] | undefined {
  const names = pathParameterNames(path);
  if (names.length !== 1 || names[0] !== "id" || !path.startsWith("/v1/releases/{id}")) return undefined;
  return world.releasesAtEveryStage.map((id) => fillPath(path, { id }));
}

export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
}
