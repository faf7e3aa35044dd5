export * from "./events";
export * from "./messages";
export * from "./payload";
export * from "./retries";
