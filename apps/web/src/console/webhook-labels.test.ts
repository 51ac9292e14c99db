import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import type { Locale } from "../i18n/locales";
import {
  checkWebhookUrl,
  configuredDuration,
  type DurationUnit,
  formatDuration,
  httpStatusColor,
  isPossibleSessionFilter,
  measuredDuration,
  webhookOutcomeColor,
  webhookPageHref,
} from "./webhook-labels";

describe("checkWebhookUrl", () => {
  it("passes what webhook.set's contract accepts", () => {
    expect(checkWebhookUrl("https://example.com/hook")).toBeNull();
    expect(checkWebhookUrl("  http://127.0.0.1:8080/a?b=c  ")).toBeNull();
  });

  it("says which of the form's rules a URL breaks, the contract judging", () => {
    expect(checkWebhookUrl("example.com/hook")).toEqual({ kind: "notHttp" });
    expect(checkWebhookUrl("ftp://example.com")).toEqual({ kind: "notHttp" });
    expect(checkWebhookUrl(`https://example.com/${"a".repeat(2048)}`)).toEqual({
      kind: "tooLong",
      max: 2048,
    });
    // What the form has no words of its own for: the server's message.
    expect(checkWebhookUrl("https://example.com/\u0000")).toMatchObject({
      kind: "invalid",
      message: expect.stringMatching(/^url: /),
    });
  });

  it("refuses an empty URL: removing has its own confirmed action", () => {
    expect(checkWebhookUrl("   ")).toEqual({ kind: "empty" });
  });
});

describe("labels", () => {
  it("colours the outcomes, also one it does not know", () => {
    expect(webhookOutcomeColor("DELIVERED")).toBe("green");
    expect(webhookOutcomeColor("FAILED")).toBe("orange");
    expect(webhookOutcomeColor("ABANDONED")).toBe("red");
    expect(webhookOutcomeColor("LATER")).toBe("gray");
  });

  it("writes durations in the language's words and numbers", () => {
    const units = (messages: typeof en, locale: Locale) => {
      const t = createTranslator({ locale, messages, namespace: "units" });
      return (unit: DurationUnit, values: { n: string }) => t(unit, values);
    };
    const inEnglish = units(en, "en");
    const inChinese = units(zhCN, "zh-CN");
    const measured = (ms: number, t = inEnglish, locale = "en") =>
      formatDuration(measuredDuration(ms), locale, t);
    const configured = (ms: number, t = inEnglish, locale = "en") =>
      formatDuration(configuredDuration(ms), locale, t);
    const nbsp = (text: string) => text.replace(" ", "\u00a0");
    expect(measured(0)).toBe(nbsp("0 ms"));
    expect(measured(999)).toBe(nbsp("999 ms"));
    expect(measured(1250)).toBe(nbsp("1.25 s"));
    expect(measured(1200)).toBe(nbsp("1.20 s"));
    expect(measured(12_345)).toBe(nbsp("12.3 s"));
    expect(configured(5_000)).toBe(nbsp("5 s"));
    expect(configured(90_000)).toBe(nbsp("1.5 min"));
    expect(configured(86_400_000)).toBe(nbsp("24 h"));
    expect(configured(3 * 86_400_000)).toBe(nbsp("3 d"));
    expect(configured(23 * 3_600_000)).toBe(nbsp("23 h"));
    expect(configured(250)).toBe(nbsp("250 ms"));
    expect(configured(1_234_567_000)).toBe(nbsp("14.3 d"));
    expect(measured(1250, inChinese, "zh-CN")).toBe("1.25秒");
    expect(measured(840, inChinese, "zh-CN")).toBe("840毫秒");
    expect(configured(90_000, inChinese, "zh-CN")).toBe("1.5分钟");
    expect(configured(86_400_000, inChinese, "zh-CN")).toBe("24小时");
    expect(configured(3 * 86_400_000, inChinese, "zh-CN")).toBe("3天");
    // Numbers follow the locale (grouping), the unit the catalogue.
    expect(measured(1_234_567_890)).toBe(nbsp("1,234,567.9 s"));
    expect(httpStatusColor(204)).toBe("var(--mantine-color-green-text)");
    expect(httpStatusColor(404)).toBe("var(--mantine-color-orange-text)");
    expect(httpStatusColor(500)).toBe("var(--mantine-color-red-text)");
    expect(httpStatusColor(null)).toBe("dimmed");
  });

  it("checks a session filter and builds the page's address", () => {
    expect(isPossibleSessionFilter(" abc ")).toBe(true);
    expect(isPossibleSessionFilter("x".repeat(65))).toBe(false);
    expect(webhookPageHref({})).toBe("/console/webhook");
    expect(webhookPageHref({ session: "s 1", before: "42" })).toBe(
      "/console/webhook?session=s+1&before=42",
    );
  });
});
