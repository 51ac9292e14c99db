import {
  buildOpenApiDocument,
  type IntroductionLocale,
  type OpenApiDocument,
} from "@collab/openapi";
import { currentSettings } from "@collab/settings";
import { SERVICE_VERSION } from "../version";

// The document this deployment serves: the contracts' document with its own version and
// capability prefix, its introduction in English (`/openapi.json`) or another language
// (`/openapi.json?lang=zh-CN`, what /docs shows a Chinese reader; nothing else differs). Built
// once per process and language (it only changes with the code and the config).

const documents = new Map<IntroductionLocale, OpenApiDocument>();

export function servedOpenApiDocument(locale: IntroductionLocale = "en"): OpenApiDocument {
  let document = documents.get(locale);
  if (document === undefined) {
    document = buildOpenApiDocument({
      version: SERVICE_VERSION,
      capabilityPrefix: currentSettings().rest.capabilityPrefix,
      locale,
    });
    documents.set(locale, document);
  }
  return document;
}

/** Where the document with the introduction in `locale` is served. */
export function openApiDocumentPath(locale: IntroductionLocale): string {
  return locale === "en" ? "/openapi.json" : `/openapi.json?lang=${encodeURIComponent(locale)}`;
}
