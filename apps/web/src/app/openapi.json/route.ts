import { INTRODUCTION_LOCALES, type IntroductionLocale } from "@collab/openapi";
import type { NextRequest } from "next/server";
import { servedOpenApiDocument } from "@/server/docs/openapi-document";

function isIntroductionLocale(value: string | null): value is IntroductionLocale {
  return (INTRODUCTION_LOCALES as readonly (string | null)[]).includes(value);
}

// GET /openapi.json: the OpenAPI 3.1 document, generated from the contracts at start-up.
// `?lang=zh-CN` gives its introduction in Chinese (what /docs shows); any other value, English.
export function GET(request: NextRequest): Response {
  const lang = request.nextUrl.searchParams.get("lang");
  return Response.json(servedOpenApiDocument(isIntroductionLocale(lang) ? lang : "en"), {
    headers: {
      "cache-control": "public, max-age=300",
      // A public description: other tools (editors, generators) may fetch it from anywhere.
      "access-control-allow-origin": "*",
    },
  });
}
