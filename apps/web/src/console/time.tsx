"use client";
import { Tooltip } from "@mantine/core";
import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";
import { formatTime } from "./labels";
import {
  configuredDuration,
  type DurationUnit,
  formatDuration,
  measuredDuration,
} from "./webhook-labels";

/**
 * An instant in the console's language and the viewer's time zone. Rendered in the browser (the
 * server does not know the viewer's zone), so hydration differences are expected and ignored.
 */
export function Time({ iso, style = "short" }: { iso: string; style?: "short" | "long" }) {
  const locale = useLocale();
  return (
    <Tooltip label={iso} openDelay={400} withinPortal>
      <time dateTime={iso} suppressHydrationWarning>
        {formatTime(iso, style, locale)}
      </time>
    </Tooltip>
  );
}

/** Durations in the console's language: measured ("1.25 s", "1.25秒") and configured ("24 h"). */
export function useDurations(): {
  measured: (ms: number) => string;
  configured: (ms: number) => string;
} {
  const locale = useLocale();
  const t = useTranslations("units");
  return useMemo(() => {
    const unitsT = (unit: DurationUnit, values: { n: string }) => t(unit, values);
    return {
      measured: (ms: number) => formatDuration(measuredDuration(ms), locale, unitsT),
      configured: (ms: number) => formatDuration(configuredDuration(ms), locale, unitsT),
    };
  }, [locale, t]);
}
