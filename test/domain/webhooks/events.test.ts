import { describe, expect, it } from "vitest";
import {
  headline,
  MAX_DELIVERY_ATTEMPTS,
  nextRetryDelaySeconds,
  OUTBOUND_EVENT_TYPES,
  outboundEventsOf,
} from "../../../src/domain/webhooks";
import { refusedEndpointUrl } from "../../../src/webhooks/url-policy";

const RM = { kind: "member", member_id: "01a1a2de-4c80-75bd-baf2-e38ee996906f" };

describe("release events from audit entries", () => {
  it.each([
    [{ type: "release_created", data: {} }, [{ type: "release.created", detail: {} }]],
    [
      {
        type: "release_state_changed",
        data: {
          from: { stage: "planning", status: "active" },
          to: { stage: "pre_deployment_verification", status: "active" },
        },
      },
      [
        {
          type: "release.stage_changed",
          detail: { from_stage: "planning", to_stage: "pre_deployment_verification" },
        },
      ],
    ],
    [
      // The cron starting a scheduled release: a stage change and the window opening.
      {
        type: "release_state_changed",
        data: {
          from: { stage: "pre_deployment_verification", status: "scheduled" },
          to: { stage: "deployment_execution", status: "active" },
        },
      },
      [
        {
          type: "release.stage_changed",
          detail: { from_stage: "pre_deployment_verification", to_stage: "deployment_execution" },
        },
        { type: "window.opened", detail: {} },
      ],
    ],
    [
      // A status change in the same stage (halted) is no stage change.
      {
        type: "release_state_changed",
        data: {
          from: { stage: "deployment_execution", status: "active" },
          to: { stage: "deployment_execution", status: "halted" },
        },
      },
      [],
    ],
    [
      { type: "go_no_go_decided", data: { outcome: "no_go", capacity: "release_manager", decided_by: RM } },
      [
        {
          type: "release.decision_recorded",
          detail: {
            decision: "go_no_go",
            outcome: "no_go",
            capacity: "release_manager",
            decided_by_kind: "member",
            decided_by: RM.member_id,
          },
        },
      ],
    ],
    [
      {
        type: "rollback_started",
        data: {
          trigger: "rollback_decision",
          capacity: "policy",
          decided_by: { kind: "system", name: "policy" },
        },
      },
      [
        {
          type: "release.decision_recorded",
          detail: {
            decision: "rollback",
            outcome: "rollback",
            capacity: "policy",
            decided_by_kind: "system",
            decided_by: "policy",
          },
        },
      ],
    ],
    // An unstable decision already announced itself as a stability decision.
    [{ type: "rollback_started", data: { trigger: "unstable_decision" } }, []],
    [{ type: "deployment_reported", data: { report: "deployment_completed" } }, []],
    [
      { type: "deployment_reported", data: { report: "deployment_failed" } },
      [{ type: "release.deployment_failed", detail: {} }],
    ],
    [
      { type: "rollback_completed", data: { steps: 2 } },
      [{ type: "release.rolled_back", detail: { steps: 2 } }],
    ],
    [
      { type: "rollback_failed", data: { position: 2 } },
      [{ type: "release.rollback_failed", detail: { failed_step: 2 } }],
    ],
    [{ type: "release_closed", data: {} }, [{ type: "release.closed", detail: {} }]],
    [{ type: "checklist_item_updated", data: {} }, []],
  ])("%j", (entry, expected) => {
    expect(outboundEventsOf([entry])).toEqual(expected);
  });

  it("has a headline for every event type", () => {
    for (const type of OUTBOUND_EVENT_TYPES) {
      expect(headline({ type, timestamp: "2026-12-08T11:00:00.000Z", data: {} }).length).toBeGreaterThan(10);
    }
  });

  it("retries on the Standard Webhooks schedule for about a day, then stops", () => {
    const delays = Array.from({ length: MAX_DELIVERY_ATTEMPTS }, (_, i) => nextRetryDelaySeconds(i + 1));
    expect(delays).toEqual([5, 300, 1_800, 7_200, 18_000, 36_000, 36_000, null]);
    const total = delays.reduce<number>((sum, delay) => sum + (delay ?? 0), 0);
    expect(total / 3600).toBeGreaterThan(24);
    expect(total / 3600).toBeLessThan(30);
  });
});

describe("where an endpoint may point", () => {
  it.each([
    ["https://hooks.slack.com/services/T0/B0/x", false, null],
    ["https://example.webhook.office.com/webhookb2/abc", false, null],
    ["http://hooks.example.com/x", false, "https"],
    ["https://127.0.0.1:8443/x", false, "loopback"],
    ["http://127.0.0.1:9999/x", true, null],
    ["http://localhost:9999/x", true, null],
    ["http://[::1]:9999/x", true, null],
    ["https://10.1.2.3/x", false, "private"],
    ["https://172.20.0.1/x", false, "private"],
    ["https://172.32.0.1/x", false, null],
    ["https://169.254.169.254/x", false, "private"],
    ["https://[fd00::1]/x", false, "private"],
    ["https://printer.local/x", false, "private"],
    ["https://[::ffff:7f00:1]/x", false, "private"],
    ["https://[::ffff:a9fe:a9fe]/x", false, "private"],
    ["https://[64:ff9b::a00:1]/x", false, "private"],
    ["https://[::]/x", false, "private"],
    ["https://198.18.0.1/x", false, "private"],
    ["https://224.0.0.1/x", false, "private"],
    ["https://localhost./x", false, "loopback"],
    ["https://api.localhost/x", false, "loopback"],
    ["https://a:b@hooks.example.com/x", false, "password"],
  ] as const)("%s (loopback allowed: %s)", (url, allowLoopback, refusal) => {
    const problem = refusedEndpointUrl(url, allowLoopback);
    if (refusal === null) expect(problem).toBeNull();
    else expect(problem).toContain(refusal);
  });
});
