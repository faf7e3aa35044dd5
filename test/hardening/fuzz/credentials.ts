import { adminToken } from "../../support/api";
import type { Operation } from "../support/spec";
import type { World } from "../support/world";

// The credentials that let a generated request past authentication, read
// from the operation's security schemes: the world's owner token for member
// routes (it also opens the calendar feed, which takes a bearer token too),
// the platform admin secret for admin routes, none for public routes and the
// signed webhooks (which the sweep sends unsigned or wrongly signed).
export function credentialsFor(operation: Operation, world: World): Record<string, string> {
  if (operation.schemes.includes("bearerAuth")) {
    return { authorization: `Bearer ${world.agency.tokens.owner}` };
  }
  if (operation.schemes.includes("adminToken")) return { authorization: `Bearer ${adminToken()}` };
  if (operation.schemes.length > 0) {
    throw new Error(`${operation.id}: no credentials for security schemes ${operation.schemes.join(", ")}`);
  }
  return {};
}
