import { createRouter } from "../../app/create-app";
import {
  createEndpointHandler,
  deleteEndpointHandler,
  getEndpointHandler,
  listDeliveriesHandler,
  listEndpointsHandler,
  patchEndpointHandler,
  retryDeliveryHandler,
  rotateEndpointSecretHandler,
  testEndpointHandler,
} from "./handlers";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  patchEndpoint,
  retryDelivery,
  rotateEndpointSecret,
  testEndpoint,
} from "./routes";

export const webhookEndpointsRouter = createRouter()
  .openapi(createEndpoint, createEndpointHandler)
  .openapi(listEndpoints, listEndpointsHandler)
  .openapi(getEndpoint, getEndpointHandler)
  .openapi(patchEndpoint, patchEndpointHandler)
  .openapi(deleteEndpoint, deleteEndpointHandler)
  .openapi(rotateEndpointSecret, rotateEndpointSecretHandler)
  .openapi(testEndpoint, testEndpointHandler)
  .openapi(listDeliveries, listDeliveriesHandler)
  .openapi(retryDelivery, retryDeliveryHandler);
