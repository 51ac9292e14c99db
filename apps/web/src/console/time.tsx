"use client";
import { Tooltip } from "@mantine/core";
import { useLocale } from "next-intl";
import { formatTime } from "./labels";

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
