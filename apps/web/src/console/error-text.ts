"use client";
import { ERROR_REASONS, type ErrorReason } from "@collab/contracts";
import { useLocale, useTranslations } from "next-intl";
import { useCallback } from "react";
import type { ConsoleError } from "./errors";

function isReason(reason: string): reason is ErrorReason {
  return (ERROR_REASONS as readonly string[]).includes(reason);
}

/**
 * An API error in the console's language, chosen by its `reason` (the wire `message` is English
 * and stays so). English shows the server's own message, the most precise; other languages show
 * the reason's sentence and keep the field the error names ("members[1].userID").
 */
export function useErrorText(): {
  message: (error: ConsoleError) => string;
  describe: (error: ConsoleError) => string;
} {
  const t = useTranslations("errors");
  const locale = useLocale();
  const message = useCallback(
    (error: ConsoleError): string => {
      if (locale === "en") return error.message;
      const base = isReason(error.reason)
        ? t(error.reason)
        : t("unknown", { reason: error.reason });
      return error.field ? t("withField", { message: base, field: error.field }) : base;
    },
    [locale, t],
  );
  // "INVALID_PARAM · …": the reason stays as sent, so it can be looked up in docs/errors.md.
  const describe = useCallback(
    (error: ConsoleError): string => `${error.reason} · ${message(error)}`,
    [message],
  );
  return { message, describe };
}
