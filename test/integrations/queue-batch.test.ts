// The CI delivery queue's consumer takes a batch as it comes: deliveries of several agencies and
// integrations, some matching a release, some matching none, some already processed by an earlier
// offer. Each tenant's deliveries are matched in one statement and recorded in one, and every
// delivery must still get its own outcome and its own release.
import { beforeAll, describe, expect, it } from "vitest";
import { seedAgency } from "../support/harness";
import { type CiAgency, listOf, randomSha, releaseInVerification, setUpCi, testMessage } from "./ci-driver";
import { acceptWithoutHandOver, deliveryRow, offer, offerBatch } from "./queue-driver";

let first: CiAgency;
let second: CiAgency;

beforeAll(async () => {
  first = await setUpCi(await seedAgency());
  second = await setUpCi(await seedAgency());
});

const passed = (ci: CiAgency, provider: "github" | "gitlab", sha: string) =>
  acceptWithoutHandOver(ci.hooks[provider], testMessage(provider, "Staging tests", "passed", sha));

const ciResults = async (ci: CiAgency, releaseId: string) =>
  (await listOf(ci.agency, releaseId, "test-results")).filter((r) => r.source === "ci");

describe("CI delivery queue: a mixed batch", () => {
  it("gives each delivery of two agencies its own outcome and release, and applies each once", async () => {
    const [shaGithub, shaGitlab, shaOther] = [randomSha(), randomSha(), randomSha()];
    const githubRelease = await releaseInVerification(first.agency, first.projectOf.github, shaGithub);
    const gitlabRelease = await releaseInVerification(first.agency, first.projectOf.gitlab, shaGitlab);
    const otherRelease = await releaseInVerification(second.agency, second.projectOf.github, shaOther);

    const github = await passed(first, "github", shaGithub);
    const gitlab = await passed(first, "gitlab", shaGitlab);
    const nowhere = await passed(first, "github", randomSha());
    const other = await passed(second, "github", shaOther);
    // Processed alone before the batch offers it again (a slow message and the cron's hand-over).
    const early = await passed(first, "github", shaGithub);
    expect(await offer(early.job, 1)).toEqual({ acked: true, retried: false });
    expect(await deliveryRow(early.job.deliveryRowId)).toMatchObject({ outcome: "applied", waiting: false });

    const offered = await offerBatch(
      [github, other, nowhere, early, gitlab].map(({ job }) => ({ job, attempts: 1 })),
    );
    expect(offered).toEqual(Array(5).fill({ acked: true, retried: false }));

    expect(await deliveryRow(github.job.deliveryRowId)).toEqual({
      outcome: "applied",
      waiting: false,
      release_id: githubRelease,
    });
    expect(await deliveryRow(gitlab.job.deliveryRowId)).toEqual({
      outcome: "applied",
      waiting: false,
      release_id: gitlabRelease,
    });
    expect(await deliveryRow(other.job.deliveryRowId)).toEqual({
      outcome: "applied",
      waiting: false,
      release_id: otherRelease,
    });
    expect(await deliveryRow(nowhere.job.deliveryRowId)).toEqual({
      outcome: "unmatched",
      waiting: false,
      release_id: null,
    });
    // The early delivery and the batch's github delivery are two runs of one suite on one release:
    // two results there, and the early one's was not applied a second time.
    expect(await ciResults(first, githubRelease)).toHaveLength(2);
    expect(await ciResults(first, gitlabRelease)).toHaveLength(1);
    expect(await ciResults(second, otherRelease)).toHaveLength(1);
  });
});
