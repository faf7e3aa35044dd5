// Values the Node global setup hands to the suites running in workerd.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbWsProxy: string;
    jwtSigningKey: string;
    jwtVerifyKeys: string;
    jwtPreviousPrivateKey: string;
    jwtForeignKey: string;
    adminToken: string;
    dataEncryptionKey: string;
    resendBaseUrl: string;
    resendApiKey: string;
    resendWebhookSecret: string;
  }
}
