import { agencyExamples } from "./agency-examples";
import { approvalExamples } from "./approval-examples";
import { deliveryExamples } from "./delivery-examples";
import { metricsExamples } from "./metrics-examples";
import { releaseExamples } from "./release-examples";
import { releaseFactsExamples } from "./release-facts-examples";
import { releasePlanExample } from "./release-plan-example";
import { schedulingExamples } from "./scheduling-examples";
import { webhookEndpointExamples } from "./webhook-endpoint-examples";

/**
 * One example per component schema that a request or response body refers to, keyed by the
 * schema's name in components.schemas. Every media type whose schema is that `$ref` shows it.
 */
export const SCHEMA_EXAMPLES: Record<string, unknown> = {
  ...agencyExamples,
  ...releaseExamples,
  ReleasePlan: releasePlanExample,
  ...releaseFactsExamples,
  ...schedulingExamples,
  ...deliveryExamples,
  ...metricsExamples,
  ...approvalExamples,
  ...webhookEndpointExamples,
};
