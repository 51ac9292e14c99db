import { describe, expect, it } from "vitest";
import {
  checkSessionFilter,
  checkWebhookUrl,
  durationLabel,
  formatDuration,
  httpStatusColor,
  webhookOutcomeLook,
  webhookPageHref,
} from "./webhook-labels";

describe("checkWebhookUrl", () => {
  it("passes what webhook.set's contract accepts", () => {
    expect(checkWebhookUrl("https://example.com/hook")).toBeNull();
    expect(checkWebhookUrl("  http://127.0.0.1:8080/a?b=c  ")).toBeNull();
  });

  it("says what is wrong in the server's words, naming the field", () => {
    expect(checkWebhookUrl("example.com/hook")).toBe("url: must be an http(s) URL");
    expect(checkWebhookUrl("ftp://example.com")).toBe("url: must be an http(s) URL");
    expect(checkWebhookUrl(`https://example.com/${"a".repeat(2048)}`)).toBe(
      "url: must be at most 2048 characters",
    );
  });

  it("refuses an empty URL: removing has its own confirmed action", () => {
    expect(checkWebhookUrl("   ")).toMatch(/^url: enter an http\(s\) URL/);
  });
});

describe("labels", () => {
  it("names and colours the outcomes, also one it does not know", () => {
    expect(webhookOutcomeLook("DELIVERED")).toMatchObject({ label: "Delivered", color: "green" });
    expect(webhookOutcomeLook("FAILED")).toMatchObject({ label: "Failed", color: "orange" });
    expect(webhookOutcomeLook("ABANDONED")).toMatchObject({ label: "Abandoned", color: "red" });
    expect(webhookOutcomeLook("LATER")).toMatchObject({ label: "LATER", color: "gray" });
  });

  it("formats durations and colours statuses", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(999)).toBe("999 ms");
    expect(formatDuration(1250)).toBe("1.25 s");
    expect(formatDuration(12_345)).toBe("12.3 s");
    const nbsp = (text: string) => text.replace(" ", "\u00a0");
    expect(durationLabel(5_000)).toBe(nbsp("5 s"));
    expect(durationLabel(90_000)).toBe(nbsp("1.5 min"));
    expect(durationLabel(86_400_000)).toBe(nbsp("24 h"));
    expect(durationLabel(3 * 86_400_000)).toBe(nbsp("3 d"));
    expect(durationLabel(23 * 3_600_000)).toBe(nbsp("23 h"));
    expect(durationLabel(250)).toBe(nbsp("250 ms"));
    expect(httpStatusColor(204)).toBe("var(--mantine-color-green-text)");
    expect(httpStatusColor(404)).toBe("var(--mantine-color-orange-text)");
    expect(httpStatusColor(500)).toBe("var(--mantine-color-red-text)");
    expect(httpStatusColor(null)).toBe("dimmed");
  });

  it("checks a session filter and builds the page's address", () => {
    expect(checkSessionFilter("abc")).toBeNull();
    expect(checkSessionFilter("x".repeat(65))).not.toBeNull();
    expect(webhookPageHref({})).toBe("/console/webhook");
    expect(webhookPageHref({ session: "s 1", before: "42" })).toBe(
      "/console/webhook?session=s+1&before=42",
    );
  });
});
