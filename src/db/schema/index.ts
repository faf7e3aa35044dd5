export * from "./clients";
export * from "./idempotency";
export * from "./integrations";
export * from "./metrics";
export * from "./notifications";
export * from "./releases";
export * from "./tenancy";
export * from "./windows";
