import { createRouter } from "../../app/create-app";
import { getDoraChartHandler, getDoraMetricsHandler } from "./handlers";
import { getDoraChart, getDoraMetrics } from "./routes";

export const metricsRouter = createRouter()
  .openapi(getDoraMetrics, getDoraMetricsHandler)
  .openapi(getDoraChart, getDoraChartHandler);
