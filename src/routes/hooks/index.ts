import { createRouter } from "../../app/create-app";
import { receiveWebhookHandler } from "./handlers";
import { receiveWebhook } from "./routes";

export const hooksRouter = createRouter().openapi(receiveWebhook, receiveWebhookHandler);
