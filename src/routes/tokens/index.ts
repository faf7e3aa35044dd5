import { createRouter } from "../../app/create-app";
import { createTokenHandler, getTokenHandler, listTokensHandler, revokeTokenHandler } from "./handlers";
import { createToken, getToken, listTokens, revokeToken } from "./routes";

export const tokensRouter = createRouter()
  .openapi(listTokens, listTokensHandler)
  .openapi(createToken, createTokenHandler)
  .openapi(getToken, getTokenHandler)
  .openapi(revokeToken, revokeTokenHandler);
