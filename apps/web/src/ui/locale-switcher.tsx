"use client";
import { NativeSelect } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import {
  isLocale,
  LOCALE_COOKIE,
  LOCALE_COOKIE_MAX_AGE_SECONDS,
  LOCALE_NAMES,
  LOCALES,
} from "@/i18n/locales";

/**
 * The language of the console, its sign-in page and the phone: remembered in a cookie (read by
 * the server on every request, so the page renders in it from the first byte), each language
 * named in itself.
 */
export function LocaleSwitcher() {
  const t = useTranslations("language");
  const locale = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <NativeSelect
      size="xs"
      aria-label={t("label")}
      value={locale}
      disabled={pending}
      data={LOCALES.map((value) => ({ value, label: LOCALE_NAMES[value] }))}
      onChange={(event) => {
        const next = event.currentTarget.value;
        if (!isLocale(next)) return;
        // biome-ignore lint/suspicious/noDocumentCookie: a plain preference cookie, no secret in it
        document.cookie = `${LOCALE_COOKIE}=${next}; Path=/; Max-Age=${LOCALE_COOKIE_MAX_AGE_SECONDS}; SameSite=Lax`;
        startTransition(() => router.refresh());
      }}
      w={110}
    />
  );
}
