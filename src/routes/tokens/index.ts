import { createRouter } from "../../app/create-app";
import { createTokenHandler, listTokensHandler, revokeTokenHandler } from "./handlers";
import { createToken, listTokens, revokeToken } from "./routes";

export const tokensRouter = createRouter()
  .openapi(listTokens, listTokensHandler)
  .openapi(createToken, createTokenHandler)
  .openapi(revokeToken, revokeTokenHandler);
