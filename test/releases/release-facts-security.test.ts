import { beforeAll } from "vitest";
import type { SeededAgency } from "../support/harness";
import { seedTwoAgencies } from "../support/harness";
import { securityCases } from "../support/security";
import { createRelease } from "./release-driver";

// The shared security cases for every release-fact route and the checklist template.
// Sub-resource ids are random: 401, 403 and another agency's 404 are all decided before
// the sub-resource is looked up.

let a: SeededAgency;
let b: SeededAgency;
const releaseOf = new Map<string, string>();
const agencies = (): [SeededAgency, SeededAgency] => [a, b];
beforeAll(async () => {
  [a, b] = await seedTwoAgencies();
  releaseOf.set(a.tenantId, await createRelease(a));
  releaseOf.set(b.tenantId, await createRelease(b));
});

const rel = (x: SeededAgency) => `/v1/releases/${releaseOf.get(x.tenantId)}`;
const someId = crypto.randomUUID();
const MANAGERS = ["owner", "release_manager"] as const;
const WRITERS = ["owner", "release_manager", "engineer"] as const;

for (const path of ["checklist", "monitoring", "issues", "sign-offs", "investigation", "notes"]) {
  securityCases(
    `GET /v1/releases/{id}/${path}`,
    { method: "GET", path: (x) => `${rel(x)}/${path}`, ownsResource: true },
    agencies,
  );
}

const writes: [string, Parameters<typeof securityCases>[1]][] = [
  [
    "PATCH /v1/releases/{id}/checklist/{item_id}",
    {
      method: "PATCH",
      path: (x) => `${rel(x)}/checklist/${someId}`,
      body: () => ({ status: "done" }),
      allowedRoles: WRITERS,
    },
  ],
  [
    "PUT /v1/releases/{id}/test-plan",
    {
      method: "PUT",
      path: (x) => `${rel(x)}/test-plan`,
      body: () => ({ entries: [] }),
      allowedRoles: MANAGERS,
    },
  ],
  [
    "PUT /v1/releases/{id}/rollback-procedure",
    {
      method: "PUT",
      path: (x) => `${rel(x)}/rollback-procedure`,
      body: () => ({ steps: [] }),
      allowedRoles: MANAGERS,
    },
  ],
  [
    "PUT /v1/releases/{id}/monitoring-dashboards",
    {
      method: "PUT",
      path: (x) => `${rel(x)}/monitoring-dashboards`,
      body: () => ({ dashboards: [] }),
      allowedRoles: MANAGERS,
    },
  ],
  [
    "POST /v1/releases/{id}/monitoring-confirmation",
    {
      method: "POST",
      path: (x) => `${rel(x)}/monitoring-confirmation`,
      body: () => ({}),
      allowedRoles: WRITERS,
    },
  ],
  [
    "POST /v1/releases/{id}/issues",
    {
      method: "POST",
      path: (x) => `${rel(x)}/issues`,
      body: () => ({ severity: "low", description: "Typo" }),
      allowedRoles: WRITERS,
    },
  ],
  [
    "PATCH /v1/releases/{id}/issues/{issue_id}",
    {
      method: "PATCH",
      path: (x) => `${rel(x)}/issues/${someId}`,
      body: () => ({ status: "closed" }),
      allowedRoles: WRITERS,
    },
  ],
  [
    // Every role may try (viewers can be approvers), but nobody is an approver on this release, so all get 403.
    "POST /v1/releases/{id}/sign-offs",
    {
      method: "POST",
      path: (x) => `${rel(x)}/sign-offs`,
      body: () => ({ decision: "approved" }),
      allowedRoles: [],
    },
  ],
  [
    "PATCH /v1/releases/{id}/investigation",
    {
      method: "PATCH",
      path: (x) => `${rel(x)}/investigation`,
      body: () => ({ summary: "x" }),
      allowedRoles: WRITERS,
    },
  ],
  [
    "POST /v1/releases/{id}/investigation/corrective-actions",
    {
      method: "POST",
      path: (x) => `${rel(x)}/investigation/corrective-actions`,
      body: () => ({ description: "x" }),
      allowedRoles: WRITERS,
    },
  ],
  [
    "PATCH /v1/releases/{id}/investigation/corrective-actions/{action_id}",
    {
      method: "PATCH",
      path: (x) => `${rel(x)}/investigation/corrective-actions/${someId}`,
      body: () => ({ status: "closed" }),
      allowedRoles: WRITERS,
    },
  ],
  [
    "PUT /v1/releases/{id}/notes",
    {
      method: "PUT",
      path: (x) => `${rel(x)}/notes`,
      body: () => ({ markdown: "# Notes" }),
      allowedRoles: MANAGERS,
    },
  ],
  [
    "POST /v1/releases/{id}/notes/publish",
    { method: "POST", path: (x) => `${rel(x)}/notes/publish`, allowedRoles: MANAGERS },
  ],
];
for (const [name, route] of writes) securityCases(name, { ...route, ownsResource: true }, agencies);

securityCases(
  "GET /v1/checklist-template",
  { method: "GET", path: () => "/v1/checklist-template" },
  agencies,
);
securityCases(
  "PUT /v1/checklist-template",
  {
    method: "PUT",
    path: () => "/v1/checklist-template",
    body: () => ({
      items: [
        {
          key: "smoke",
          title: "Smoke",
          stage: "pre_deployment_verification",
          required: true,
          category: "general",
        },
      ],
    }),
    allowedRoles: ["owner"],
  },
  agencies,
);
securityCases(
  "DELETE /v1/checklist-template",
  { method: "DELETE", path: () => "/v1/checklist-template", allowedRoles: ["owner"] },
  agencies,
);
