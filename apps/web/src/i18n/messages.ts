import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import type { Locale } from "./locales";

/** Each language's catalogue (messages/<locale>.json). */
export const MESSAGES: Readonly<Record<Locale, typeof en>> = { en, "zh-CN": zhCN };
