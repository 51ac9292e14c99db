import { randomUUID } from "node:crypto";
import { CreateCollaborationResponse, QueryByUserResponse } from "@collab/contracts";
import { adapterTestTargets } from "@collab/db/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "./browser";
import { type Credentials, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// The console's "Cancel ring" on a ringing member, in a real Chromium against the production
// build (on one database: the page is the subject; the cancel's rules are proven on both in
// packages/domain and, over HTTP, in cancel.integration-test.ts): kept ringing when the operator backs out; cancelled (with a reason) once
// confirmed, the member shown Left, the timeline naming the cancel and its reason.

describe.each(adapterTestTargets())("console: cancel a ring on %s", (target) => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let app: Credentials;
  const suffix = randomUUID().slice(0, 6);
  const [alice, bob, carol] = [`alice-${suffix}`, `bob-${suffix}`, `carol-${suffix}`];
  const url = (path: string) => `${server.baseUrl}${path}`;
  const memberRow = (userID: string) =>
    page.locator(`[data-testid="member-row"][data-user="${userID}"]`);

  async function stateOf(collaborationID: string, userID: string) {
    const response = await hiarPost(server, app, "/user/query", { userID: alice, history: true });
    const info = QueryByUserResponse.parse(response.body).data.infos.find(
      (i) => i.collaborationID === collaborationID,
    );
    return info?.members[userID]?.memberSessionState;
  }

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1 });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
    browser = await launchBrowser(`cancel-${target}`);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("cancels a ringing member after a confirmation, with a reason shown in the timeline", async () => {
    const created = await hiarPost(server, app, "/create", { userID: alice });
    const { collaborationID, sessionID } = CreateCollaborationResponse.parse(created.body).data;
    const invited = await hiarPost(server, app, "/session/invite", {
      collaborationID,
      sessionID,
      userID: alice,
      members: [{ userID: bob }, { userID: carol }],
    });
    expect(invited.status, invited.text).toBe(200);

    await page.goto(url("/console/sign-in"));
    await page.getByLabel("APPID").fill(app.id);
    await page.getByLabel("Secret").fill(app.secret);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(url("/console"));
    await page.goto(url(`/console/sessions/${sessionID}`));
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    // Only ringing members offer it (alice, added by /create, is not ringing).
    await memberRow(bob)
      .getByRole("button", { name: `Cancel ring to ${bob}` })
      .waitFor();
    expect(await memberRow(alice).getByTestId("cancel-ring").count()).toBe(0);

    // Backing out changes nothing.
    await memberRow(bob).getByTestId("cancel-ring").click();
    const dialog = page.getByRole("dialog", { name: `Stop ringing ${bob}?` });
    await dialog.getByText(`The ring ${alice} sent to ${bob} stops now`).waitFor();
    await dialog.getByRole("button", { name: "Keep ringing" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await stateOf(collaborationID, bob)).toBe("MEMBER_CALLING");

    // Confirmed, with a reason.
    await memberRow(bob).getByTestId("cancel-ring").click();
    await dialog.getByLabel("Reason (optional)").fill("wrong_person");
    await browser.screenshot(page, "cancel-confirm");
    await dialog.getByRole("button", { name: "Cancel ring" }).click();
    await dialog.waitFor({ state: "hidden" });
    await memberRow(bob).locator('[data-state="MEMBER_LEFT"]').waitFor();
    expect(await memberRow(bob).getByTestId("cancel-ring").count()).toBe(0);
    await memberRow(carol).locator('[data-state="MEMBER_CALLING"]').waitFor();
    const event = page
      .getByTestId("timeline-event")
      .filter({ hasText: `${alice} cancelled the ring to ${bob}` });
    await event.getByTestId("event-reason").getByText("reason: wrong_person").waitFor();
    await browser.screenshot(page, "cancel-done");
    expect(await stateOf(collaborationID, bob)).toBe("MEMBER_LEFT");
    expect(await stateOf(collaborationID, carol)).toBe("MEMBER_CALLING");
  }, 60_000);
});
