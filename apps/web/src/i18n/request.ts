import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import { LOCALE_COOKIE, type Locale, pickLocale } from "./locales";

const MESSAGES: Readonly<Record<Locale, typeof en>> = { en, "zh-CN": zhCN };

// next-intl "without i18n routing": the locale comes from the request, not the URL.
export default getRequestConfig(async () => {
  const locale = pickLocale(
    (await cookies()).get(LOCALE_COOKIE)?.value,
    (await headers()).get("accept-language"),
  );
  return { locale, messages: MESSAGES[locale] };
});
