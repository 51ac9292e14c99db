import type { NextRequest } from "next/server";
import { createTranslator } from "next-intl";
import {
  LOCALE_COOKIE,
  LOCALE_COOKIE_MAX_AGE_SECONDS,
  LOCALE_NAMES,
  LOCALES,
  pickLocale,
} from "@/i18n/locales";
import { MESSAGES } from "@/i18n/messages";
import { openApiDocumentPath } from "@/server/docs/openapi-document";
import { escapeHtml, referencePage } from "@/server/docs/reference-page";

// GET /docs: the human API reference (Scalar, self-hosted) over /openapi.json, in the reader's
// language like the console (the language cookie, else Accept-Language): the page's own words
// and the document's introduction; the operations and schemas are the same in every language.
export function GET(request: NextRequest): Response {
  const locale = pickLocale(
    request.cookies.get(LOCALE_COOKIE)?.value,
    request.headers.get("accept-language"),
  );
  const t = createTranslator({ locale, messages: MESSAGES[locale] });
  const documentUrl = openApiDocumentPath(locale);
  const link = (chunks: string) => `<a href="${escapeHtml(documentUrl)}">${chunks}</a>`;
  const html = referencePage({
    locale,
    languages: LOCALES.map((code) => ({ code, name: LOCALE_NAMES[code] })),
    localeCookie: { name: LOCALE_COOKIE, maxAgeSeconds: LOCALE_COOKIE_MAX_AGE_SECONDS },
    text: {
      title: t("docs.title"),
      tryIt: t("docs.tryIt"),
      secret: t("docs.secret"),
      secretPlaceholder: t("docs.secretPlaceholder"),
      hintHtml: t.markup("docs.hint", {
        url: escapeHtml(documentUrl),
        code: (chunks) => `<code>${chunks}</code>`,
        link,
      }),
      noscriptHtml: t.markup("docs.noscript", { url: escapeHtml(documentUrl), link }),
      insecure: t("docs.insecure"),
      // The browser fills in the request.
      signed: t.raw("docs.signed") as string,
      language: t("language.label"),
    },
    documentUrl,
    scalarUrl: "/docs/scalar.js",
  });
  return new Response(html, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "content-language": locale,
      vary: "Cookie, Accept-Language",
    },
  });
}
