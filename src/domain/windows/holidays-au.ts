/**
 * Australian public holidays for 2026 and 2027, by state and territory, as data.
 *
 * Compiled from the state and territory holidays Acts and the governments' published lists (named in
 * `source`; no URLs, nothing is fetched). Dates that a government sets or confirms each year by
 * proclamation or gazette notice (WA King's Birthday, VIC AFL Grand Final Friday, SA Adelaide Cup,
 * show days, some additional days) carry `subject_to_proclamation: true`; re-check them when the
 * gazette appears and update this file.
 *
 * Decisions:
 * - Weekend holidays are listed on their real date, and any additional/substitute weekday as its own entry
 *   (e.g. Boxing Day Sat 26 Dec 2026 and the additional holiday Mon 28 Dec 2026). As freezes, both block.
 * - Part-day holidays are included with `part_day` (local times): Christmas Eve from 18:00 in QLD and from
 *   19:00 in SA and NT; New Year's Eve from 19:00 in SA and NT.
 * - Holidays observed only in part of a state are included with `regional` saying where (Melbourne Cup:
 *   metropolitan Melbourne; Ekka: Brisbane area; Royal Hobart Regatta: southern Tasmania; Recreation Day:
 *   northern Tasmania). An agency outside that area can exclude them by id.
 * - Left out: the NSW Bank Holiday (first Monday of August; banks only, not a general public holiday);
 *   TAS Easter Tuesday (state public service and some awards only); NT show days (Alice Springs, Tennant
 *   Creek, Katherine, Darwin: each for its region, set yearly) and other local show days.
 * - Where the sources disagree, the data errs towards the holiday (a freeze that is not needed costs less
 *   than a deployment on a day the client is closed); such entries carry a `note`.
 */

import type { AuState } from "./types";

export interface PublicHoliday {
  /** Stable id, "<date>-<slug>"; used to exclude single holidays and in occurrence keys. */
  id: string;
  date: string;
  name: string;
  states: "national" | readonly AuState[];
  source: string;
  subject_to_proclamation: boolean;
  /** Local times; "24:00" is the end of the day. Absent for all-day holidays. */
  part_day?: { from: string; to: string };
  regional?: string;
  note?: string;
}

/** Years this data covers; calendar ranges outside them get no holiday freezes (see uncoveredHolidayYears). */
export const HOLIDAY_DATA_YEARS: readonly number[] = [2026, 2027];

const STATE_SOURCE: Record<AuState, string> = {
  NSW: "Public Holidays Act 2010 (NSW); NSW Government, public holidays in NSW",
  VIC: "Public Holidays Act 1993 (Vic); Business Victoria, Victorian public holidays",
  QLD: "Holidays Act 1983 (Qld); Queensland Government, public holidays in Queensland",
  SA: "Holidays Act 1910 (SA); SafeWork SA, public holidays",
  WA: "Public and Bank Holidays Act 1972 (WA); WA Government, public holidays in Western Australia",
  TAS: "Statutory Holidays Act 2000 (Tas); WorkSafe Tasmania, public holidays",
  ACT: "Holidays Act 1958 (ACT); ACT Government (CMTEDD), ACT public holidays",
  NT: "Public Holidays Act (NT); NT Government, public holidays in the Northern Territory",
};

const NATIONAL_SOURCE =
  "Fair Work Act 2009 (Cth) s 115 and each state and territory holidays Act (see the state governments' lists)";

interface Extra {
  proclaimed?: boolean;
  part_day?: { from: string; to: string };
  regional?: string;
  note?: string;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function holiday(
  date: string,
  name: string,
  states: "national" | AuState[],
  extra: Extra = {},
): PublicHoliday {
  const entry: PublicHoliday = {
    id: `${date}-${slug(name)}`,
    date,
    name,
    states,
    source: states === "national" ? NATIONAL_SOURCE : states.map((s) => STATE_SOURCE[s]).join(" | "),
    subject_to_proclamation: extra.proclaimed ?? false,
  };
  if (extra.part_day) entry.part_day = extra.part_day;
  if (extra.regional) entry.regional = extra.regional;
  if (extra.note) entry.note = extra.note;
  return entry;
}

const ALL_BUT_SA: AuState[] = ["NSW", "VIC", "QLD", "WA", "TAS", "ACT", "NT"];
const EASTER_SATURDAY: AuState[] = ["NSW", "VIC", "QLD", "SA", "ACT", "NT"];
const EASTER_SUNDAY: AuState[] = ["NSW", "VIC", "QLD", "SA", "WA", "ACT", "NT"];
const EASTER_SUNDAY_NOTE =
  "Not a public holiday in Tasmania. SA and NT listings differ between sources; kept as a freeze.";
const KINGS_BIRTHDAY_JUNE: AuState[] = ["NSW", "VIC", "SA", "TAS", "ACT", "NT"];
const LABOUR_DAY_OCTOBER: AuState[] = ["NSW", "ACT", "SA"];
const MARCH_MONDAY_NOTE =
  "Second Monday in March: Labour Day (VIC), Eight Hours Day (TAS), Canberra Day (ACT), Adelaide Cup (SA).";
const EVENING_19 = { from: "19:00", to: "24:00" };
const EVENING_18 = { from: "18:00", to: "24:00" };

export const AU_PUBLIC_HOLIDAYS: readonly PublicHoliday[] = [
  // ---- 2026 ----
  holiday("2026-01-01", "New Year's Day", "national"),
  holiday("2026-01-26", "Australia Day", "national"),
  holiday("2026-02-09", "Royal Hobart Regatta", ["TAS"], { regional: "Southern Tasmania only" }),
  holiday("2026-03-02", "Labour Day", ["WA"]),
  holiday("2026-03-09", "Labour Day", ["VIC"], { note: MARCH_MONDAY_NOTE }),
  holiday("2026-03-09", "Eight Hours Day", ["TAS"]),
  holiday("2026-03-09", "Canberra Day", ["ACT"]),
  holiday("2026-03-09", "Adelaide Cup Day", ["SA"], { proclaimed: true }),
  holiday("2026-04-03", "Good Friday", "national"),
  holiday("2026-04-04", "Easter Saturday", EASTER_SATURDAY, {
    note: "Not a public holiday in WA or Tasmania.",
  }),
  holiday("2026-04-05", "Easter Sunday", EASTER_SUNDAY, { note: EASTER_SUNDAY_NOTE }),
  holiday("2026-04-06", "Easter Monday", "national"),
  holiday("2026-04-25", "Anzac Day", "national"),
  holiday("2026-04-27", "Anzac Day (additional day)", ["NSW", "WA", "ACT"], {
    note: "Anzac Day falls on a Saturday. NSW declared the additional Monday for 2026 and 2027; WA and ACT provide it by statute.",
  }),
  holiday("2026-05-04", "Labour Day", ["QLD"]),
  holiday("2026-05-04", "May Day", ["NT"]),
  holiday("2026-06-01", "Western Australia Day", ["WA"]),
  holiday("2026-06-01", "Reconciliation Day", ["ACT"], { note: "Monday on or after 27 May." }),
  holiday("2026-06-08", "King's Birthday", KINGS_BIRTHDAY_JUNE),
  holiday("2026-08-03", "Picnic Day", ["NT"]),
  holiday("2026-08-12", "Royal Queensland Show (Ekka)", ["QLD"], {
    proclaimed: true,
    regional: "Brisbane City Council area; other Queensland districts have their own show days",
  }),
  holiday("2026-09-25", "Friday before the AFL Grand Final", ["VIC"], {
    proclaimed: true,
    note: "Set each year by the Victorian Government once the AFL fixes the Grand Final date.",
  }),
  holiday("2026-09-28", "King's Birthday", ["WA"], { proclaimed: true }),
  holiday("2026-10-05", "Labour Day", LABOUR_DAY_OCTOBER),
  holiday("2026-10-05", "King's Birthday", ["QLD"]),
  holiday("2026-11-02", "Recreation Day", ["TAS"], {
    regional: "Northern Tasmania only (areas that do not observe the Royal Hobart Regatta)",
  }),
  holiday("2026-11-03", "Melbourne Cup Day", ["VIC"], {
    regional: "Metropolitan Melbourne; regional councils may substitute a local day",
  }),
  holiday("2026-12-24", "Christmas Eve (from 18:00)", ["QLD"], { part_day: EVENING_18 }),
  holiday("2026-12-24", "Christmas Eve (from 19:00)", ["SA", "NT"], { part_day: EVENING_19 }),
  holiday("2026-12-25", "Christmas Day", "national"),
  holiday("2026-12-26", "Boxing Day", ALL_BUT_SA),
  holiday("2026-12-26", "Proclamation Day", ["SA"]),
  holiday("2026-12-28", "Boxing Day (additional day)", ALL_BUT_SA, {
    note: "Boxing Day falls on a Saturday.",
  }),
  holiday("2026-12-28", "Proclamation Day (additional day)", ["SA"], {
    note: "Proclamation Day falls on a Saturday.",
  }),
  holiday("2026-12-31", "New Year's Eve (from 19:00)", ["SA", "NT"], { part_day: EVENING_19 }),

  // ---- 2027 ----
  holiday("2027-01-01", "New Year's Day", "national"),
  holiday("2027-01-26", "Australia Day", "national"),
  holiday("2027-02-08", "Royal Hobart Regatta", ["TAS"], { regional: "Southern Tasmania only" }),
  holiday("2027-03-01", "Labour Day", ["WA"]),
  holiday("2027-03-08", "Labour Day", ["VIC"], { note: MARCH_MONDAY_NOTE }),
  holiday("2027-03-08", "Eight Hours Day", ["TAS"]),
  holiday("2027-03-08", "Canberra Day", ["ACT"]),
  holiday("2027-03-08", "Adelaide Cup Day", ["SA"], { proclaimed: true }),
  holiday("2027-03-26", "Good Friday", "national"),
  holiday("2027-03-27", "Easter Saturday", EASTER_SATURDAY, {
    note: "Not a public holiday in WA or Tasmania.",
  }),
  holiday("2027-03-28", "Easter Sunday", EASTER_SUNDAY, { note: EASTER_SUNDAY_NOTE }),
  holiday("2027-03-29", "Easter Monday", "national"),
  holiday("2027-04-25", "Anzac Day", "national"),
  holiday("2027-04-26", "Anzac Day (additional day)", ["NSW", "QLD", "WA", "ACT", "NT"], {
    note: "Anzac Day falls on a Sunday. NSW declared the additional Monday for 2026 and 2027; QLD and NT give one only when it falls on a Sunday.",
  }),
  holiday("2027-04-26", "Anzac Day (additional day, SA)", ["SA"], {
    proclaimed: true,
    note: "Sources disagree on whether SA adds a Monday when Anzac Day is a Sunday; check the SA proclamation.",
  }),
  holiday("2027-05-03", "Labour Day", ["QLD"]),
  holiday("2027-05-03", "May Day", ["NT"]),
  holiday("2027-05-31", "Reconciliation Day", ["ACT"], { note: "Monday on or after 27 May." }),
  holiday("2027-06-07", "Western Australia Day", ["WA"]),
  holiday("2027-06-14", "King's Birthday", KINGS_BIRTHDAY_JUNE),
  holiday("2027-08-02", "Picnic Day", ["NT"]),
  holiday("2027-08-11", "Royal Queensland Show (Ekka)", ["QLD"], {
    proclaimed: true,
    regional: "Brisbane City Council area; other Queensland districts have their own show days",
  }),
  holiday("2027-09-24", "Friday before the AFL Grand Final", ["VIC"], {
    proclaimed: true,
    note: "Expected date (Grand Final on the last Saturday of September); confirmed by the Victorian Government each year.",
  }),
  holiday("2027-09-27", "King's Birthday", ["WA"], { proclaimed: true }),
  holiday("2027-10-04", "Labour Day", LABOUR_DAY_OCTOBER),
  holiday("2027-10-04", "King's Birthday", ["QLD"]),
  holiday("2027-11-01", "Recreation Day", ["TAS"], {
    regional: "Northern Tasmania only (areas that do not observe the Royal Hobart Regatta)",
  }),
  holiday("2027-11-02", "Melbourne Cup Day", ["VIC"], {
    regional: "Metropolitan Melbourne; regional councils may substitute a local day",
  }),
  holiday("2027-12-24", "Christmas Eve (from 18:00)", ["QLD"], { part_day: EVENING_18 }),
  holiday("2027-12-24", "Christmas Eve (from 19:00)", ["SA", "NT"], { part_day: EVENING_19 }),
  holiday("2027-12-25", "Christmas Day", "national"),
  holiday("2027-12-26", "Boxing Day", ALL_BUT_SA),
  holiday("2027-12-26", "Proclamation Day", ["SA"]),
  holiday("2027-12-27", "Christmas Day (additional day)", "national", {
    note: "Christmas Day falls on a Saturday.",
  }),
  holiday("2027-12-28", "Boxing Day (additional day)", ALL_BUT_SA, { note: "Boxing Day falls on a Sunday." }),
  holiday("2027-12-28", "Proclamation Day (additional day)", ["SA"], {
    proclaimed: true,
    note: "Proclamation Day falls on a Sunday; SA has given Tuesday in past years with Christmas on a Saturday.",
  }),
  holiday("2027-12-31", "New Year's Eve (from 19:00)", ["SA", "NT"], { part_day: EVENING_19 }),
];
