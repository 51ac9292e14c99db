// The console's languages. No locale in the URL: the reader's choice (a cookie the language
// switcher sets) or else the browser's Accept-Language picks one (apps/web/README.md, "Languages").

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** The cookie the language switcher sets; read on every request. */
export const LOCALE_COOKIE = "collab_locale";
/** A year: the choice outlives console sessions. */
export const LOCALE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** Each language's name in itself, for the switcher. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = {
  en: "English",
  "zh-CN": "简体中文",
};

export function isLocale(value: string | undefined | null): value is Locale {
  return value !== undefined && value !== null && (LOCALES as readonly string[]).includes(value);
}

/** A language tag's best match among ours ("zh", "zh-Hans-CN", "zh-SG" → zh-CN), or null. */
function matchTag(tag: string): Locale | null {
  const lower = tag.trim().toLowerCase();
  if (lower === "" || lower === "*") return null;
  if (lower === "zh" || lower.startsWith("zh-hans") || /^zh-(cn|sg|my)\b/.test(lower)) {
    return "zh-CN";
  }
  // Traditional Chinese readers are better served by English than by the wrong script.
  if (lower.startsWith("zh-")) return null;
  if (lower === "en" || lower.startsWith("en-")) return "en";
  return null;
}

/** The first of the browser's languages (by q-weight) we speak; the default when none is. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(",")
    .slice(0, 32)
    .map((part, index) => {
      const [tag = "", ...params] = part.split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const entry of ranked) {
    const locale = matchTag(entry.tag);
    if (locale !== null) return locale;
  }
  return DEFAULT_LOCALE;
}

/** The cookie's choice when it names one of ours, else the browser's languages. */
export function pickLocale(cookieValue: string | undefined, acceptLanguage: string | null): Locale {
  return isLocale(cookieValue) ? cookieValue : localeFromAcceptLanguage(acceptLanguage);
}
