import { createRouter } from "../../app/create-app";
import * as h from "./handlers";
import * as r from "./routes";

export const checklistTemplateRouter = createRouter()
  .openapi(r.getChecklistTemplate, h.getChecklistTemplateHandler)
  .openapi(r.putChecklistTemplate, h.putChecklistTemplateHandler)
  .openapi(r.deleteChecklistTemplate, h.deleteChecklistTemplateHandler);
