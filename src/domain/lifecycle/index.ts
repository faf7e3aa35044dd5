/**
 * The release lifecycle: stages, gates, the transition table and the one `decide` function that
 * every change goes through, plus the go/no-go recommendation, the plan document and the default
 * checklists. Pure: no I/O, no clock; the app passes `now` in the snapshot.
 */

export * from "./authority";
export * from "./commands";
export * from "./decide";
export * from "./default-checklist";
export * from "./errors";
export * from "./events";
export * from "./gates";
export * from "./pending-decision";
export * from "./plan";
export * from "./recommendation";
export * from "./snapshot";
export * from "./stages";
export * from "./test-results";
export * from "./transitions";
