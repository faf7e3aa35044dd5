import { createRouter } from "../../app/create-app";
import { confirmSenderEmailHandler, getTenantHandler, patchTenantHandler } from "./handlers";
import { confirmSenderEmail, getTenant, patchTenant } from "./routes";

export const tenantRouter = createRouter()
  .openapi(getTenant, getTenantHandler)
  .openapi(patchTenant, patchTenantHandler)
  .openapi(confirmSenderEmail, confirmSenderEmailHandler);
