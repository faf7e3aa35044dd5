import type { ReleaseCommand, ReleaseCommandOutcome } from "./command";

/** What routes, webhooks and the cron need from a release's Durable Object. */
export interface ReleaseCoordinatorClient {
  execute(command: ReleaseCommand): Promise<ReleaseCommandOutcome>;
}

interface CoordinatorStub {
  execute(command: ReleaseCommand): Promise<ReleaseCommandOutcome>;
}

/** One object per release, named by tenant and release so another tenant's name can never reach it. */
export function coordinatorName(tenantId: string, releaseId: string): string {
  return `${tenantId}:${releaseId}`;
}

export function releaseCoordinator(env: Env): ReleaseCoordinatorClient {
  return {
    async execute(command) {
      const namespace = env.RELEASE_COORDINATOR;
      const stub = namespace.get(namespace.idFromName(coordinatorName(command.tenantId, command.releaseId)));
      return (stub as unknown as CoordinatorStub).execute(command);
    },
  };
}
