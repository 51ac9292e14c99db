import { type MessageFormatElement, parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import { localeFromAcceptLanguage, pickLocale } from "./locales";

type Tree = { readonly [key: string]: string | Tree };

/** Every message of a catalogue by its dotted key. */
function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

/** A message's placeholders and rich-text tags, with their kind ("count:plural", "<code>"). */
function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const element of elements) {
      switch (element.type) {
        case TYPE.argument:
          found.add(`${element.value}:argument`);
          break;
        case TYPE.number:
          found.add(`${element.value}:number`);
          break;
        case TYPE.date:
        case TYPE.time:
          found.add(`${element.value}:datetime`);
          break;
        case TYPE.plural:
        case TYPE.select:
          found.add(`${element.value}:${element.type === TYPE.plural ? "plural" : "select"}`);
          for (const option of Object.values(element.options)) walk(option.value);
          break;
        case TYPE.tag:
          found.add(`<${element.value}>`);
          walk(element.children);
          break;
        default:
          break;
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

const catalogues = { en: flatten(en), "zh-CN": flatten(zhCN) };

describe("the message catalogues", () => {
  it("have the same keys in every language", () => {
    const keys = (map: Map<string, string>) => [...map.keys()].sort();
    expect(keys(catalogues["zh-CN"])).toEqual(keys(catalogues.en));
  });

  it("have no empty messages", () => {
    for (const [locale, map] of Object.entries(catalogues)) {
      for (const [key, message] of map) expect(message.trim(), `${locale} ${key}`).not.toBe("");
    }
  });

  it("use the same placeholders and tags in every language", () => {
    for (const [key, message] of catalogues.en) {
      const other = catalogues["zh-CN"].get(key);
      if (other === undefined) continue;
      expect(placeholders(other), key).toEqual(placeholders(message));
    }
  });

  it("would notice a key or a placeholder missing in one language", () => {
    expect([...flatten({ a: "x", b: { c: "y" } }).keys()]).toEqual(["a", "b.c"]);
    expect(placeholders("{n, plural, one {# item} other {# items}} by {who} <b>x</b>")).toEqual([
      "<b>",
      "n:plural",
      "who:argument",
    ]);
    expect(placeholders("只有 {who}")).not.toEqual(placeholders("{who} and {n, number}"));
  });
});

describe("picking the language", () => {
  it("follows the reader's choice first, then the browser's languages", () => {
    expect(pickLocale("zh-CN", "en-GB,en")).toBe("zh-CN");
    expect(pickLocale("en", "zh-CN,zh")).toBe("en");
    expect(pickLocale("fr", "zh-CN,zh;q=0.9")).toBe("zh-CN");
    expect(pickLocale(undefined, null)).toBe("en");
  });

  it("reads Accept-Language by weight and maps Chinese variants", () => {
    expect(localeFromAcceptLanguage("fr-FR,zh;q=0.8,en;q=0.5")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("en;q=0.4,zh-Hans-CN;q=0.9")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("zh-TW,en;q=0.5")).toBe("en");
    expect(localeFromAcceptLanguage("de,fr")).toBe("en");
    expect(localeFromAcceptLanguage("zh;q=0")).toBe("en");
  });
});
