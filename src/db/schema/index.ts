export * from "./clients";
export * from "./idempotency";
export * from "./tenancy";
