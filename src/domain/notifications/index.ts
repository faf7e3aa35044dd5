export * from "./change-log";
export * from "./compose";
export * from "./headers";
export * from "./markdown";
export * from "./notes-template";
export * from "./policy";
