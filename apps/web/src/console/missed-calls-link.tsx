"use client";
import { Anchor } from "@mantine/core";
import Link from "next/link";
import { useTranslations } from "next-intl";
import classes from "./console.module.css";
import { missedCallsHref } from "./missed-calls-page";

/** From a member to their missed calls (the console's missed-calls view). */
export function MissedCallsLink({ userID }: { userID: string }) {
  const t = useTranslations("members");
  return (
    <Anchor
      component={Link}
      href={missedCallsHref({ user: userID })}
      size="xs"
      className={classes.nowrap}
      aria-label={t("missedCallsOf", { user: userID })}
      data-testid="missed-calls-link"
    >
      {t("missedCalls")}
    </Anchor>
  );
}
