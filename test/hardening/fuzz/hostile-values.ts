// The raw material of invalid requests: text that breaks naive string
// handling, numbers at and past the edges of what JSON and Postgres hold,
// malformed JSON documents and content types the API must refuse.

/** A JSON token sent verbatim (`-0`, `1e400`), which JSON.stringify cannot produce. */
export class RawJson {
  constructor(readonly text: string) {}
}

const RAW_MARK = "__fuzz_raw_json_";

/** JSON.stringify that writes RawJson tokens as they are. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof RawJson) {
      raws.push(item.text);
      return `${RAW_MARK}${raws.length - 1}__`;
    }
    return item;
  });
  if (text === undefined) return "";
  return raws.length === 0
    ? text
    : text.replace(new RegExp(`"${RAW_MARK}(\\d+)__"`, "g"), (_, index: string) => raws[Number(index)] ?? "");
}

/** Strings that are valid JSON text but awkward for everything after the parser. */
export const ODD_UNICODE: readonly string[] = [
  "\u0000",
  "nul\u0000in the middle",
  "\ud800",
  "lone low \udfff surrogate",
  "\ud83d",
  "\u202eevil.exe\u202c",
  "\u200f\u200e\u061c",
  "zero\u200bwidth\u200djoiner",
  "\ufeffbyte order mark",
  `e${"\u0301".repeat(200)}`,
  "Z\u0334\u0321\u032a\u035a\u0343a\u0336l\u0337g\u0338o\u0335",
  "👨‍👩‍👧‍👦🏳️‍🌈🇦🇺",
  "\uffff\ufffe\ufffd",
  "\u{10ffff}\u{e0001}",
  "line\r\nbreak\ttab\u000bvtab\u000cff",
  "\u2028\u2029",
  "ＡＢＣ１２３",
  "İıßﬃ",
  "\u0085\u00a0\u1680\u3000",
  "%00%ff%c0%af",
  "../../etc/passwd",
];

/** Numbers sent verbatim, to reach the edges of JSON.parse, JavaScript and Postgres integers. */
export const EDGE_NUMBERS: readonly RawJson[] = [
  "-0",
  "0",
  "1e308",
  "-1e308",
  "1e400",
  "-1e400",
  "5e-324",
  "0.5",
  "1.0",
  "-1",
  "2147483647",
  "2147483648",
  "-2147483649",
  "9007199254740993",
  "9223372036854775808",
  "1E2",
].map((text) => new RawJson(text));

/** Numbers at the schema's limits: one past each bound, and a fraction where an integer is required. */
export function boundaryNumbers(schema: { minimum?: unknown; maximum?: unknown; type?: unknown }): RawJson[] {
  const numbers: RawJson[] = [];
  const isInteger =
    schema.type === "integer" || (Array.isArray(schema.type) && schema.type.includes("integer"));
  if (typeof schema.minimum === "number") {
    numbers.push(new RawJson(String(schema.minimum - 1)));
    if (isInteger) numbers.push(new RawJson(String(schema.minimum - 0.5)));
  }
  if (typeof schema.maximum === "number") {
    numbers.push(new RawJson(String(schema.maximum + 1)));
    if (isInteger) numbers.push(new RawJson(String(schema.maximum + 0.5)));
  }
  if (isInteger) numbers.push(new RawJson("1.5"));
  return numbers;
}

/** Bodies that are not JSON, or JSON in a shape no parser should have to survive. */
export const MALFORMED_JSON: readonly string[] = [
  "",
  "{",
  "}",
  '{"a":',
  "[1,2",
  "{'a':1}",
  '{"a":1,}',
  "nul",
  "undefined",
  "NaN",
  '{"a":NaN}',
  '{"a":Infinity}',
  "{} trailing",
  '"unterminated',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  "\ufeff{}",
  "{\u0000}",
  `${"[".repeat(100_000)}${"]".repeat(100_000)}`,
  `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`,
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  '{"name":"first","name":"second"}',
];

/** Bodies as bytes no UTF-8 decoder should accept as they are: overlong, truncated and UTF-16 encodings. */
export const MALFORMED_BYTES: readonly Uint8Array[] = [
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe0, 0x80, 0xaf, 0x22, 0x7d]),
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82]),
];

/**
 * Content-Type headers a JSON body is sent with that are wrong (undefined: none at all) or
 * merely unusual (charset, +json suffix, upper case): either way the answer must be documented.
 */
export const WRONG_CONTENT_TYPES: readonly (string | undefined)[] = [
  undefined,
  "text/plain",
  "text/plain; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "application/xml",
  "application/jsonp",
  "application/json-seq",
  "json",
  "application/",
  "*/*",
  "application/json; charset=utf-16",
  "application/merge-patch+json",
  "APPLICATION/JSON",
  "application/json;;;",
];

/**
 * Path segments (already percent-encoded) that are not ids: wrong shapes, encodings and lengths.
 * No bare `..`: URL parsing resolves it, so the request would name another route.
 */
export const HOSTILE_PATH_SEGMENTS: readonly string[] = [
  "not-a-uuid",
  "1",
  "-1",
  "0",
  "null",
  "undefined",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "0190a7f0-4e8e-7c7a-9b1e-3a0b1c2d3e4fz",
  "{id}",
  "'%20OR%20'1'%3D'1",
  "%00",
  "%ED%A0%80",
  "..%2F..%2Fhealth",
  "%E2%80%AE",
  "%F0%9F%92%A9",
  "%C0%AF",
  "%",
  "x".repeat(10_000),
  "%41".repeat(3_000),
];

/** Query values (already percent-encoded) that are not what a parameter expects. */
export const HOSTILE_QUERY_VALUES: readonly string[] = [
  "",
  "abc",
  "-1",
  "0",
  "-0",
  "1.5",
  "1e308",
  "NaN",
  "Infinity",
  "9223372036854775808",
  "true",
  "null",
  "%5B%5D",
  "%00",
  "%ED%A0%80",
  "%C0%AF",
  "%E2%80%AE",
  "%FF",
  "%",
  "x".repeat(5_000),
];
