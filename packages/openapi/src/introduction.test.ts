import { ERROR_CATALOGUE, ERROR_REASONS, HIAR_OPERATIONS, LIMITS } from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./document";
import { INTRODUCTION_LOCALES } from "./introduction";
import { signingExample } from "./security";

// The introduction in each language says the same things: the same sections, the same code, the
// same numbers, every operation and error; and only the introduction changes with the language.

const documents = Object.fromEntries(
  INTRODUCTION_LOCALES.map((locale) => [
    locale,
    buildOpenApiDocument({ version: "1.2.3", capabilityPrefix: "/leliaRTC", locale }),
  ]),
);
const intro = (locale: string) => documents[locale]?.info.description ?? "";

/** The heading levels in order ("##", "##", "###", …): the sections' shape. */
const headingLevels = (markdown: string) =>
  [...markdown.matchAll(/^(#{2,3}) /gm)].map((match) => match[1]);
/** Fenced code blocks, with their comments removed (comments are prose and translated). */
const codeBlocks = (markdown: string) =>
  [...markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((match) =>
    (match[1] ?? "").replace(/(^|\s)\/\/ .*$/gm, ""),
  );
const tableRows = (markdown: string) => markdown.split("\n").filter((line) => line.startsWith("|"));

describe("the introduction in every language", () => {
  it("changes nothing else in the document", () => {
    const english = documents.en;
    for (const locale of INTRODUCTION_LOCALES) {
      const document = documents[locale];
      expect({ ...document, info: { ...document?.info, description: "" } }).toEqual({
        ...english,
        info: { ...english?.info, description: "" },
      });
    }
    expect(buildOpenApiDocument({ version: "1.2.3", capabilityPrefix: "/leliaRTC" })).toEqual(
      english,
    );
  });

  it("has the same sections, code, tables and numbers as the English one", () => {
    const english = intro("en");
    for (const locale of INTRODUCTION_LOCALES) {
      const text = intro(locale);
      expect(headingLevels(text), locale).toEqual(headingLevels(english));
      expect(codeBlocks(text), locale).toEqual(codeBlocks(english));
      expect(tableRows(text).length, locale).toBe(tableRows(english).length);
      const ex = signingExample();
      for (const fact of [
        ex.signature,
        ex.secret,
        ex.nonce,
        `${LIMITS.dateWindowSeconds}`,
        `${LIMITS.maxBodyBytes}`,
        `${LIMITS.maxInviteMembers}`,
        "`/leliaRTC/session/invite`",
      ]) {
        expect(text, `${locale}: ${fact}`).toContain(fact);
      }
    }
  });

  it("lists every operation and every error reason, with its status and code", () => {
    for (const locale of INTRODUCTION_LOCALES) {
      const text = intro(locale);
      for (const op of Object.values(HIAR_OPERATIONS)) {
        expect(text, `${locale}: ${op.path}`).toMatch(
          new RegExp(`^\\| \`${op.path}\` \\| [^|]*\\S[^|]* \\|$`, "m"),
        );
      }
      for (const reason of ERROR_REASONS) {
        const { httpStatus, code } = ERROR_CATALOGUE[reason];
        expect(text, `${locale}: ${reason}`).toMatch(
          new RegExp(
            `^\\| ${httpStatus} \\| ${code} \\| \`${reason}\` \\| [^|]*\\S[^|]* \\|$`,
            "m",
          ),
        );
      }
    }
  });

  it("speaks Chinese in Chinese, in the console's vocabulary", () => {
    const text = intro("zh-CN");
    expect(text).toMatch(/^可自托管、兼容 HiAR 的协作会话服务/);
    for (const word of [
      "## 快速开始",
      "## 认证",
      "## 操作",
      "## 响应",
      "### 错误",
      "协作",
      "会话",
      "成员",
      "邀请",
      "呼叫",
    ]) {
      expect(text).toContain(word);
    }
  });
});
