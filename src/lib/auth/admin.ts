import type { RuntimeConfig } from "../../env";
import { ApiError } from "../problem";
import { bearerToken, unauthorized } from "./tokens";

const encoder = new TextEncoder();

/** Compares the platform admin secret in constant time (equal-length digests). */
export async function assertPlatformAdmin(
  config: RuntimeConfig,
  authorization: string | undefined,
): Promise<void> {
  const presented = bearerToken(authorization);
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(presented)),
    crypto.subtle.digest("SHA-256", encoder.encode(config.ADMIN_TOKEN)),
  ]);
  if (!crypto.subtle.timingSafeEqual(a, b)) {
    // A member's API token here is still a valid credential, just not this one.
    if (presented.split(".").length === 3) {
      throw new ApiError(
        "forbidden",
        "Creating agencies needs the platform admin token, not a member token.",
      );
    }
    throw unauthorized("The platform admin token is not valid.");
  }
}
