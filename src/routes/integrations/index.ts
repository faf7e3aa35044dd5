import { createRouter } from "../../app/create-app";
import {
  createIntegrationHandler,
  deleteIntegrationHandler,
  getIntegrationHandler,
  listDeliveriesHandler,
  listIntegrationsHandler,
  patchIntegrationHandler,
  rotateIntegrationSecretHandler,
} from "./handlers";
import {
  createIntegration,
  deleteIntegration,
  getIntegration,
  listDeliveries,
  listIntegrations,
  patchIntegration,
  rotateIntegrationSecret,
} from "./routes";

export const integrationsRouter = createRouter()
  .openapi(listIntegrations, listIntegrationsHandler)
  .openapi(createIntegration, createIntegrationHandler)
  .openapi(getIntegration, getIntegrationHandler)
  .openapi(patchIntegration, patchIntegrationHandler)
  .openapi(deleteIntegration, deleteIntegrationHandler)
  .openapi(rotateIntegrationSecret, rotateIntegrationSecretHandler)
  .openapi(listDeliveries, listDeliveriesHandler);
