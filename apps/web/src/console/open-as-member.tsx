"use client";
import { Button, Tooltip } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useErrorText } from "./error-text";
import { consoleErrorOf } from "./errors";
import { useTRPC } from "./trpc";

export const PHONE_PATH = "/phone";

/**
 * "Open as <member>": mints a user token for the member (session.openAsMember) and opens the web
 * phone with it in a new tab. The tab is opened during the click (browsers block a window opened
 * later) and pointed at the phone once the token is there; the token travels in the fragment,
 * which no server sees.
 */
export function OpenAsMember({ sessionID, userID }: { sessionID: string; userID: string }) {
  const trpc = useTRPC();
  const t = useTranslations("openAs");
  const errorText = useErrorText();
  const mint = useMutation(trpc.session.openAsMember.mutationOptions());
  const open = () => {
    const tab = window.open("about:blank", "_blank");
    if (tab !== null) tab.opener = null;
    mint.mutate(
      { sessionID, userID },
      {
        onSuccess: ({ token }) => {
          const url = `${PHONE_PATH}#token=${encodeURIComponent(token)}`;
          if (tab === null) window.open(url, "_blank", "noopener");
          else tab.location.href = url;
        },
        onError: () => tab?.close(),
      },
    );
  };
  const error = mint.error ? errorText.describe(consoleErrorOf(mint.error)) : null;
  return (
    <Tooltip label={error ?? t("tooltip", { user: userID })} withArrow withinPortal>
      <Button
        size="compact-xs"
        variant="light"
        color={error === null ? undefined : "red"}
        loading={mint.isPending}
        onClick={open}
        // The visible text is part of the name (WCAG 2.5.3), which also says whose phone.
        aria-label={t("label", { user: userID })}
        data-testid="open-as"
        data-user={userID}
      >
        {t("button")}
      </Button>
    </Tooltip>
  );
}
