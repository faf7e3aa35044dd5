import { createRouter } from "../../app/create-app";
import { createTenantHandler } from "./handlers";
import { createTenant } from "./routes";

export const tenantsRouter = createRouter().openapi(createTenant, createTenantHandler);
