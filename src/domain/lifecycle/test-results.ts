/**
 * How the results of one test stage (staging, smoke, verification, UAT) add up to a verdict.
 *
 * CI re-runs suites, so only the latest result of each suite counts: a flaky suite that failed
 * and then passed on a re-run is passed. Suites named in the release's test plan must have run
 * and passed; a skipped suite that the plan did not ask for does not block (the way a skipped
 * optional check does not block a GitHub merge), but at least one suite must have passed.
 */

import type { ReleaseSnapshot, TestResultFact, TestStage } from "./snapshot";

export interface TestStageVerdict {
  ok: boolean;
  passed: string[];
  failed: string[];
  running: string[];
  /** Skipped suites the plan did not require. */
  skipped: string[];
  /** Planned suites with no result, or whose latest result is `skipped`. */
  missing: string[];
}

function timeOf(result: TestResultFact): number {
  const parsed = Date.parse(result.at);
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}

/** The latest result of every suite of `stage`; on equal timestamps the one recorded later wins. */
export function latestResultsBySuite(
  results: readonly TestResultFact[],
  stage: TestStage,
): Map<string, TestResultFact> {
  const latest = new Map<string, TestResultFact>();
  for (const result of results) {
    if (result.stage !== stage) continue;
    const current = latest.get(result.suite);
    if (current === undefined || timeOf(result) >= timeOf(current)) latest.set(result.suite, result);
  }
  return latest;
}

export function evaluateTestStage(snapshot: ReleaseSnapshot, stage: TestStage): TestStageVerdict {
  const latest = latestResultsBySuite(snapshot.test_results, stage);
  const planned = new Set(snapshot.test_plan.filter((entry) => entry.stage === stage).map((e) => e.suite));
  const verdict: TestStageVerdict = {
    ok: false,
    passed: [],
    failed: [],
    running: [],
    skipped: [],
    missing: [],
  };
  for (const suite of planned) {
    const result = latest.get(suite);
    if (result === undefined || result.status === "skipped") verdict.missing.push(suite);
  }
  for (const [suite, result] of latest) {
    if (result.status === "passed") verdict.passed.push(suite);
    else if (result.status === "failed") verdict.failed.push(suite);
    else if (result.status === "running") verdict.running.push(suite);
    else if (!planned.has(suite)) verdict.skipped.push(suite);
  }
  verdict.ok =
    verdict.passed.length > 0 &&
    verdict.failed.length === 0 &&
    verdict.running.length === 0 &&
    verdict.missing.length === 0;
  return verdict;
}

const TEST_STAGE_NAMES: Record<TestStage, string> = {
  staging: "staging",
  smoke: "smoke",
  verification: "post-deployment verification",
  uat: "user acceptance",
};

function list(suites: readonly string[]): string {
  return suites.map((suite) => `'${suite}'`).join(", ");
}

/** One sentence a person can act on, e.g. "2 staging suites failed: 'e2e', 'api'." */
export function describeTestStage(stage: TestStage, verdict: TestStageVerdict): string {
  const name = TEST_STAGE_NAMES[stage];
  if (verdict.ok) {
    const skipped =
      verdict.skipped.length > 0 ? ` (skipped, not in the test plan: ${list(verdict.skipped)})` : "";
    return `All ${name} tests passed: ${list(verdict.passed)}${skipped}.`;
  }
  const problems: string[] = [];
  if (verdict.failed.length > 0) problems.push(`failed: ${list(verdict.failed)}`);
  if (verdict.running.length > 0) problems.push(`still running: ${list(verdict.running)}`);
  if (verdict.missing.length > 0) problems.push(`planned but not passed yet: ${list(verdict.missing)}`);
  if (problems.length === 0)
    return `No ${name} test has passed yet; record at least one passing ${name} result.`;
  return `The ${name} tests are not all passed (${problems.join("; ")}).`;
}
