import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./axe";
import { launchBrowser, type TestBrowser } from "./browser";
import type { Credentials } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// The console in Simplified Chinese, chosen with its switcher, and its accessibility: axe-core
// on every console page in both languages, and the invite form by keyboard alone. PGlite only:
// what is checked here is the page, not the database (console.integration-test.ts covers both).

describe("the console in Chinese, and accessible", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let app: Credentials;
  let sessionPath = "";
  const suffix = randomUUID().slice(0, 6);
  const alice = `alice-${suffix}`;
  const bob = `bob-${suffix}`;
  const carol = `carol-${suffix}`;
  const dave = `dave-${suffix}`;

  const url = (path: string) => `${server.baseUrl}${path}`;
  const memberRow = (userID: string) =>
    page.locator(`[data-testid="member-row"][data-user="${userID}"]`);

  async function expectAccessible(name: string): Promise<void> {
    // Wait for the page's client rendering to settle (fonts, portals) before judging it.
    await page.waitForLoadState("networkidle");
    const violations = await seriousViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  }

  beforeAll(async () => {
    server = await startTestServer("pglite", { appCount: 1 });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
    browser = await launchBrowser("i18n");
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("speaks the browser's language when no choice was made", async () => {
    const html = async (acceptLanguage: string) =>
      (await fetch(url("/console/sign-in"), { headers: { "accept-language": acceptLanguage } }))
        .text()
        .then((text) => /<html[^>]* lang="([^"]+)"/.exec(text)?.[1]);
    expect(await html("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(await html("en-GB,en;q=0.9")).toBe("en");
    expect(await html("fr-FR,de;q=0.5")).toBe("en");
  });

  it("has no serious accessibility violations on the sign-in page, in either language", async () => {
    await page.goto(url("/console/sign-in"));
    await page.getByRole("heading", { name: "Operator console" }).waitFor();
    await expectAccessible("sign-in (en)");

    // The switcher: the choice is remembered (a cookie), across a reload.
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await page.getByRole("heading", { name: "运维控制台" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await page.reload();
    await page.getByRole("heading", { name: "运维控制台" }).waitFor();
    expect(await page.getByRole("combobox", { name: "语言" }).inputValue()).toBe("zh-CN");
    await browser.screenshot(page, "01-sign-in-zh");
    await expectAccessible("sign-in (zh-CN)");

    // A wrong secret is refused in Chinese, by the error's reason.
    await page.getByLabel("APPID").fill(app.id);
    await page.getByLabel("密钥").fill("not-the-secret");
    await page.getByRole("button", { name: "登录", exact: true }).click();
    const alert = page.getByRole("alert", { name: "登录失败" });
    await expect.poll(() => alert.textContent()).toContain("APPID 或密钥不正确。");
  }, 60_000);

  it("runs the main flow in Chinese: sign in, open a session, ring someone, see the event", async () => {
    await page.getByLabel("APPID").fill(app.id);
    await page.getByLabel("密钥").fill(app.secret);
    await page.getByRole("button", { name: "登录", exact: true }).click();
    await page.waitForURL(url("/console"));
    await page.getByText("还没有协作").waitFor();
    await expectAccessible("collaborations, empty (zh-CN)");

    await page.getByRole("button", { name: "新建协作" }).first().click();
    const dialog = page.getByRole("dialog", { name: "新建协作" });
    await dialog.getByLabel("创建者").fill(alice);
    await dialog.getByLabel("详情").fill(`3 号线巡检 ${suffix}`);
    const initial = dialog.getByRole("combobox", { name: "初始成员" });
    await initial.fill(bob);
    await initial.press("Enter");
    await expectAccessible("new collaboration dialog (zh-CN)");
    await dialog.getByRole("button", { name: "创建" }).click();

    await page.waitForURL(/\/console\/sessions\/[0-9a-f]{32}$/);
    sessionPath = new URL(page.url()).pathname;
    await memberRow(bob).getByText("未呼叫").waitFor();
    await page
      .locator('[data-testid="live-status"][data-status="live"]')
      .getByText("实时")
      .waitFor();

    const invitees = page.getByRole("combobox", { name: "要呼叫的成员" });
    await invitees.fill(carol);
    await invitees.press("Enter");
    await page.getByRole("button", { name: "呼叫成员" }).click();
    await page.getByTestId("invite-result").getByText("已向 1 位成员发送邀请").waitFor();
    await page.getByTestId("invite-result").getByText("已加入").waitFor();
    await memberRow(carol).locator('[data-state="MEMBER_CALLING"]').getByText("呼叫中").waitFor();
    await memberRow(carol).getByText(`由 ${alice}`).waitFor();
    await page.getByText(`${alice} 邀请了 ${carol}`).waitFor();
    // Times follow the language too ("2026年1月1日 …").
    expect(await page.getByTestId("timeline-event").first().locator("time").textContent()).toMatch(
      /\d{4}年\d{1,2}月\d{1,2}日/,
    );
    await browser.screenshot(page, "02-session-zh");
    await expectAccessible("session (zh-CN)");

    // The API's error, in Chinese by its reason, keeping the field it names.
    await invitees.fill(alice);
    await invitees.press("Enter");
    await page.getByRole("button", { name: "呼叫成员" }).click();
    await page.getByText("INVALID_PARAM · 参数无效。（字段 members[0].userID）").waitFor();
    await browser.screenshot(page, "03-invite-error-zh");

    await page
      .getByRole("navigation", { name: "控制台" })
      .getByRole("link", { name: "协作" })
      .click();
    await page
      .getByTestId("collaboration-row")
      .filter({ hasText: suffix })
      .getByText("1 在线 · 共 3")
      .waitFor();
    await expectAccessible("collaborations (zh-CN)");
  }, 90_000);

  it("has no serious accessibility violations on the webhook, app and missed-calls pages", async () => {
    for (const [path, name] of [
      ["/console/webhook", "webhook"],
      ["/console/app", "app"],
      [`/console/calls?user=${carol}`, "missed calls"],
    ] as const) {
      await page.goto(url(path));
      await page.getByRole("heading", { level: 1 }).waitFor();
      await expectAccessible(`${name} (zh-CN)`);
    }
    // And back in English, the pages the Chinese run did not judge in it.
    await page.getByRole("combobox", { name: "语言" }).selectOption("en");
    await page.getByRole("navigation", { name: "Console" }).waitFor();
    for (const path of [
      "/console",
      sessionPath,
      "/console/webhook",
      "/console/app",
      `/console/calls?user=${carol}`,
    ]) {
      await page.goto(url(path));
      await page.getByRole("heading", { level: 1 }).waitFor();
      await expectAccessible(`${path} (en)`);
    }
  }, 90_000);

  it("operates the invite form by keyboard alone: Tab reaches its fields, Enter submits", async () => {
    await page.goto(url(sessionPath));
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    // Start from the link just above the page's cards and Tab forward, as a keyboard user does.
    await page.getByTestId("session-webhook-link").focus();
    const focusedLabel = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        if (!(element instanceof HTMLElement)) return "";
        const labelledBy = element.getAttribute("aria-labelledby");
        const byId = labelledBy ? document.getElementById(labelledBy)?.textContent : null;
        return (
          byId ??
          (element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : null) ??
          element.getAttribute("aria-label") ??
          element.textContent ??
          ""
        ).trim();
      });
    const tabTo = async (label: string) => {
      // Each member row holds links of its own (Open phone, Missed calls): room for them.
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press("Tab");
        if ((await focusedLabel()).startsWith(label)) return;
      }
      throw new Error(`Tab never reached "${label}"`);
    };
    await tabTo("Members to ring");
    await page.keyboard.type(dave);
    await page.keyboard.press("Enter");
    await tabTo("Device type");
    await page.keyboard.type("3");
    await tabTo("Roles");
    await page.keyboard.type("2");
    // Enter in a field submits the form.
    await page.keyboard.press("Enter");
    await page.getByTestId("invite-result").getByText("Invite sent to 1 member").waitFor();
    await memberRow(dave).locator('[data-state="MEMBER_CALLING"]').waitFor();
    await page.getByText(`${alice} invited ${dave}`).waitFor();
  }, 60_000);
});
