import { BASE_URL, ids, names, pageOf, times } from "./world";

// Examples for deployment windows, the calendar and its feed tokens: a Tuesday night maintenance
// window for the agency and a Christmas freeze for Harbour Bikes.

const maintenanceWindow = {
  id: ids.maintenanceWindow,
  kind: "maintenance",
  name: "Tuesday night maintenance",
  timezone: null,
  effective_timezone: names.timezone,
  start: "2026-11-03T22:00",
  duration_minutes: 120,
  recurrence: { freq: "weekly", by_day: ["TU"], until: null },
  scope: "agency",
  client_id: null,
  project_id: null,
  next_occurrence: { starts_at: times.windowStarts, ends_at: "2026-12-08T13:00:00.000Z" },
  created_at: "2026-11-03T00:40:00.000Z",
  updated_at: "2026-11-03T00:40:00.000Z",
};

const christmasFreeze = {
  id: ids.freezeWindow,
  kind: "freeze",
  name: "Harbour Bikes Christmas trading freeze",
  timezone: names.timezone,
  effective_timezone: names.timezone,
  start: "2026-12-18T00:00",
  duration_minutes: 10080,
  recurrence: null,
  scope: "client",
  client_id: ids.client,
  project_id: null,
  next_occurrence: { starts_at: "2026-12-17T13:00:00.000Z", ends_at: "2026-12-24T13:00:00.000Z" },
  warnings: [],
  created_at: "2026-11-20T03:00:00.000Z",
  updated_at: "2026-11-20T03:00:00.000Z",
};

const windowOccurrence = {
  window_id: ids.maintenanceWindow,
  occurrence_key: `${ids.maintenanceWindow}@${times.windowStarts}`,
  kind: "maintenance",
  name: "Tuesday night maintenance",
  source: "window",
  scope: "agency",
  client_id: null,
  project_id: null,
  freeze: false,
  starts_at: times.windowStarts,
  ends_at: "2026-12-08T13:00:00.000Z",
  local_start: "2026-12-08T22:00:00+11:00",
  local_end: "2026-12-09T00:00:00+11:00",
  timezone: names.timezone,
  adjustments: [],
  holiday: null,
  releases: [
    {
      id: ids.release,
      version: names.version,
      status: "active",
      stage: "pre_deployment_verification",
      project_id: ids.project,
    },
  ],
};

const christmasDay = {
  window_id: "holiday:NSW:2026-12-25-christmas-day",
  occurrence_key: "holiday:NSW:2026-12-25-christmas-day@2026-12-24T13:00:00.000Z",
  kind: "freeze",
  name: "Christmas Day",
  source: "holiday",
  scope: null,
  client_id: null,
  project_id: null,
  freeze: true,
  starts_at: "2026-12-24T13:00:00.000Z",
  ends_at: "2026-12-25T13:00:00.000Z",
  local_start: "2026-12-25T00:00:00+11:00",
  local_end: "2026-12-26T00:00:00+11:00",
  timezone: names.timezone,
  adjustments: [],
  holiday: {
    id: "2026-12-25-christmas-day",
    date: "2026-12-25",
    state: "NSW",
    source:
      "Fair Work Act 2009 (Cth) s 115 and each state and territory holidays Act (see the state governments' lists)",
    subject_to_proclamation: false,
    part_day: null,
    regional: null,
    note: null,
  },
  releases: [],
};

const feedToken = {
  id: ids.feedToken,
  name: "Lachlan's Outlook calendar",
  scope: "agency",
  client_id: null,
  project_id: null,
  created_by: ids.releaseManager,
  created_at: "2026-11-06T22:00:00.000Z",
  revoked_at: null,
};

const feedTokenText = "rpcal_Yt3kQm9vX2pL8sWc4nRb7hJd1fGa6eZu0oKi5yTq3wE";

export const schedulingExamples: Record<string, unknown> = {
  DeploymentWindow: maintenanceWindow,
  DeploymentWindowPage: pageOf([maintenanceWindow, christmasFreeze]),
  WindowCreate: {
    kind: "maintenance",
    name: "Tuesday night maintenance",
    start: "2026-11-03T22:00",
    duration_minutes: 120,
    recurrence: { freq: "weekly", by_day: ["TU"] },
  },
  WindowPatch: { duration_minutes: 150 },
  Calendar: {
    from: "2026-12-07T13:00:00.000Z",
    to: "2026-12-31T13:00:00.000Z",
    timezone: names.timezone,
    holidays: { state: "NSW", timezone: names.timezone },
    holiday_years_missing: [],
    occurrences: [windowOccurrence, christmasDay],
    releases: [
      {
        id: ids.release,
        version: names.version,
        title: names.title,
        status: "active",
        stage: "pre_deployment_verification",
        project_id: ids.project,
        project_name: names.project,
        client_id: ids.client,
        client_name: names.client,
        window_id: ids.maintenanceWindow,
        starts_at: times.windowStarts,
        ends_at: times.windowEnds,
      },
    ],
  },
  CalendarFeedToken: feedToken,
  CalendarFeedTokenPage: pageOf([feedToken]),
  CalendarFeedTokenCreate: { name: "Lachlan's Outlook calendar" },
  IssuedCalendarFeedToken: {
    ...feedToken,
    token: feedTokenText,
    feed_url: `${BASE_URL}/v1/calendar.ics?token=${feedTokenText}`,
  },
};
