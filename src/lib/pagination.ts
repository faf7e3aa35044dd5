import { isUuid } from "./ids";
import { ApiError } from "./problem";

// Keyset pagination on UUIDv7 primary keys: the cursor is the last id of the
// page, opaque to clients, so pages stay stable while rows are added.
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  let id: string;
  try {
    id = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    id = "";
  }
  if (!isUuid(id)) {
    throw new ApiError(
      "bad_request",
      "The cursor is not one this API issued; pass `next_cursor` from the previous page.",
      {
        errors: [{ path: "cursor", message: "invalid cursor" }],
      },
    );
  }
  return id;
}

export function encodeCursor(id: string): string {
  return btoa(id).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}

/** Takes `limit + 1` rows fetched in id order and returns one page. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, present: (row: R) => T) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(present),
    next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

/** Cursor over a numeric sequence (the audit trail's total order). */
export function decodeSequenceCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  let value = Number.NaN;
  try {
    value = Number(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    // falls through to the error below
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ApiError(
      "bad_request",
      "The cursor is not one this API issued; pass `next_cursor` from the previous page.",
      {
        errors: [{ path: "cursor", message: "invalid cursor" }],
      },
    );
  }
  return value;
}

export function toSequencePage<R extends { seq: number }, T>(
  rows: R[],
  limit: number,
  present: (row: R) => T,
) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(present),
    next_cursor: rows.length > limit && last ? encodeCursor(String(last.seq)) : null,
  };
}
