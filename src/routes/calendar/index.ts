import { createRouter } from "../../app/create-app";
import {
  createFeedTokenHandler,
  getCalendarFeedHandler,
  getCalendarHandler,
  getFeedTokenHandler,
  listFeedTokensHandler,
  revokeFeedTokenHandler,
} from "./handlers";
import {
  createFeedToken,
  getCalendar,
  getCalendarFeed,
  getFeedToken,
  listFeedTokens,
  revokeFeedToken,
} from "./routes";

export const calendarRouter = createRouter()
  .openapi(getCalendar, getCalendarHandler)
  .openapi(getCalendarFeed, getCalendarFeedHandler)
  .openapi(createFeedToken, createFeedTokenHandler)
  .openapi(listFeedTokens, listFeedTokensHandler)
  .openapi(getFeedToken, getFeedTokenHandler)
  .openapi(revokeFeedToken, revokeFeedTokenHandler);

calendarRouter.openAPIRegistry.registerComponent("securitySchemes", "calendarFeedToken", {
  type: "apiKey",
  in: "query",
  name: "token",
  description:
    "A calendar feed token from POST /v1/calendar/feed-tokens, for calendar apps that cannot send headers.",
});
