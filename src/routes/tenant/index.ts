import { createRouter } from "../../app/create-app";
import { getTenantHandler, patchTenantHandler } from "./handlers";
import { getTenant, patchTenant } from "./routes";

export const tenantRouter = createRouter()
  .openapi(getTenant, getTenantHandler)
  .openapi(patchTenant, patchTenantHandler);
