export * from "./clients";
export * from "./idempotency";
export * from "./releases";
export * from "./tenancy";
