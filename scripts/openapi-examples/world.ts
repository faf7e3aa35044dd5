// The one agency every example in the OpenAPI document describes, so that examples agree with
// each other: Paddock & Pixel, a Sydney agency, ships release 2.4.0 of Harbour Bikes' site.
// Ids are UUIDv7 like the API's; times are RFC 3339 UTC as the API writes them, and local times
// are Australia/Sydney (AEDT, UTC+11, in December).

export const BASE_URL = "https://release-pilot.example";

export const ids = {
  tenant: "01a1998e-4400-7300-ad3b-849d8dfe4471",
  owner: "01a19e36-4840-7882-ac93-51b745ca5c9f",
  releaseManager: "01a1a2de-4c80-75bd-baf2-e38ee996906f",
  engineer: "01a1a786-50c0-7e56-a2ba-f44e2e7e32bb",
  approver: "01a1ac2e-5500-74f3-851e-647185c74154",
  ownerToken: "01a1b0d6-5940-7299-b833-fca3a25441c2",
  ciToken: "01a1b57e-5d80-793a-99f6-f9f601bbc682",
  client: "01a1ba26-61c0-7de0-9de1-0cead5946aa2",
  project: "01a1bece-6600-7c63-a91f-af32d652d0ae",
  release: "01a1c376-6a40-7757-a997-1f7e90257cf9",
  previousRelease: "01a1c81e-6e80-797a-8333-43dae45e8c6c",
  maintenanceWindow: "01a1ccc6-72c0-7fac-999f-b3a35beffc51",
  freezeWindow: "01a1d16e-7700-7f5a-b450-d23dfdda0db7",
  feedToken: "01a1d616-7b40-7e45-ac31-2d00ec0fa23d",
  integration: "01a1dabe-7f80-73a3-a71d-66d8e306fcc0",
  contact: "01a1df66-83c0-7143-b763-d73162c16a56",
  notification: "01a1e40e-8800-772a-ac6b-bd45efc26f5c",
  secondNotification: "01a1e8b6-8c40-7015-8794-deabe380e7a5",
  reportLink: "01a1ed5e-9080-70c0-a5d8-716f9406ca5d",
  checklistItem: "01a1f206-94c0-73c1-9692-6284fb623e80",
  secondChecklistItem: "01a1f6ae-9900-7d30-92cc-94fac4f87126",
  testResult: "01a1fb56-9d40-7b76-b4ce-f66ea32f8633",
  deploymentLogEntry: "01a1fffe-a180-70fc-83bf-b1b5c87a1607",
  event: "01a204a6-a5c0-747e-b97a-ac14699443d2",
  secondEvent: "01a2094e-aa00-713c-a98a-952f1fda155d",
  issue: "01a20df6-ae40-7b10-a9b6-352c1a85e6ae",
  signOff: "01a2129e-b280-7190-a050-031a088208bb",
  correctiveAction: "01a21746-b6c0-76d2-9886-40f1db6b5bfb",
  webhookDelivery: "01a21bee-bb00-78b9-8305-0216a0d80551",
  request: "01a22096-bf40-7d35-a9bf-7394800dfbbf",
  approvalRequest: "01a2253e-c380-7a41-8e0b-4f1c2d9a7e63",
  webhookEndpoint: "01a229e6-c7c0-7b2e-9f31-6d0a4c8e2b15",
  endpointDelivery: "01a22e8e-cc00-74d9-a6e2-3b7f91c5d048",
} as const;

export const names = {
  agency: "Paddock & Pixel",
  agencySlug: "paddock-and-pixel",
  client: "Harbour Bikes",
  project: "harbourbikes.com.au",
  projectSlug: "harbourbikes",
  repository: "paddock-and-pixel/harbourbikes-web",
  productionUrl: "https://harbourbikes.com.au",
  version: "2.4.0",
  title: "2.4.0 — Summer sale landing pages",
  owner: "Mia Thornton",
  ownerEmail: "mia@paddockandpixel.com.au",
  releaseManager: "Lachlan Nguyen",
  releaseManagerEmail: "lachlan@paddockandpixel.com.au",
  engineer: "Priya Sharma",
  approver: "Tom Kelly",
  contact: "Sophie Walsh",
  contactEmail: "sophie.walsh@harbourbikes.com.au",
  timezone: "Australia/Sydney",
  state: "NSW",
} as const;

/** The release's booked slot: Tuesday 8 December 2026, 10:00–11:30 pm in Sydney. */
export const times = {
  agencyCreated: "2026-11-02T22:15:04.000Z",
  clientCreated: "2026-11-03T01:20:00.000Z",
  releaseCreated: "2026-11-30T23:05:12.000Z",
  updated: "2026-12-03T04:41:37.000Z",
  now: "2026-12-03T05:02:19.000Z",
  windowStarts: "2026-12-08T11:00:00.000Z",
  windowEnds: "2026-12-08T12:30:00.000Z",
  tokenExpires: "2027-03-02T22:15:04.000Z",
} as const;

export const releasePath = `/v1/releases/${ids.release}`;

/** A page of a list as the API answers it, with a cursor to the next page. */
export const pageOf = (items: unknown[]) => ({
  items,
  next_cursor: "eyJjcmVhdGVkX2F0IjoiMjAyNi0xMS0zMFQyMzowNToxMi4wMDBaIn0",
});
