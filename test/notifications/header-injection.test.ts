import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { type SeededAgency, seedAgency } from "../support/harness";
import { releaseInExecution } from "../support/releases";
import { addContact, asSystem, deployedEmailTo, scanLogsForEmailAddresses, setSender } from "./support";

// A name reaches email headers twice: the From display name and the subject. Names with line
// breaks are refused at the schema; this proves the headers hold even for a name stored before
// that check (written here straight into the table) and for a display name ending in `\`.

scanLogsForEmailAddresses();

let agency: SeededAgency;
beforeAll(async () => {
  agency = await seedAgency();
  await setSender(agency, 'Harbour "Digital" \\');
});

describe("email headers", () => {
  it("refuses a line break in a project name at the API", async () => {
    const res = await api(`/v1/projects/${agency.projectId}`, {
      method: "PATCH",
      token: agency.tokens.owner,
      body: { name: "Site\r\nBcc: someone@evil.example" },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe("body.name");
  });

  it("keeps From and Subject one line each, even for a name stored before names were checked", async () => {
    const contact = await addContact(agency, { name: "Casey Client" });
    const id = await releaseInExecution(agency);
    await asSystem((tx) =>
      tx.execute(
        sql`update projects set name = ${"Harbour site\r\nBcc: someone@evil.example"} where id = ${agency.projectId}`,
      ),
    );
    const mail = await deployedEmailTo(agency, id, contact);
    expect(mail?.subject).not.toMatch(/[\r\n]/);
    expect(mail?.subject).toContain("Harbour site Bcc: someone@evil.example");
    expect(mail?.from).toBe(`"Harbour \\"Digital\\" \\\\" <notifications@release-pilot.local>`);
    expect(mail?.from).not.toMatch(/[\r\n]/);
  });
});
