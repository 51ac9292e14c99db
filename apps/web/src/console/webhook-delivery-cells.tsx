"use client";
import type { WebhookDelivery } from "@collab/contracts";
import { ActionIcon, Anchor, Badge, Group, Text, Tooltip } from "@mantine/core";
import Link from "next/link";
import { useTranslations } from "next-intl";
import classes from "./console.module.css";
import { shortId } from "./labels";
import {
  httpStatusColor,
  isWebhookOutcome,
  webhookOutcomeColor,
  webhookPageHref,
} from "./webhook-labels";

// The cells of one delivery attempt, shared by the table (wide screens) and the cards (narrow).

/** Readable in both colour schemes. */
export const ERROR_COLOR = "var(--mantine-color-red-text)";

export function WebhookOutcomeBadge({ outcome }: { outcome: WebhookDelivery["outcome"] }) {
  const t = useTranslations("webhook");
  const ts = useTranslations("states");
  // The colour from the table; the words from the catalogue (an unknown outcome keeps its name).
  const look = isWebhookOutcome(outcome)
    ? { label: t(`outcomes.${outcome}.label`), hint: t(`outcomes.${outcome}.hint`) }
    : { label: outcome, hint: outcome };
  return (
    <Tooltip
      label={ts("badge", { hint: look.hint, wireName: outcome })}
      openDelay={300}
      withinPortal
    >
      <Badge
        variant="light"
        color={webhookOutcomeColor(outcome)}
        radius="sm"
        tt="none"
        fw={600}
        className={classes.badge}
        // Never narrower than its label, also in a crowded table row.
        style={{ maxWidth: "none" }}
        leftSection={<span className={classes.dot} />}
        data-outcome={outcome}
      >
        {look.label}
      </Badge>
    </Tooltip>
  );
}

export function HttpStatus({ status }: { status: number | null }) {
  const t = useTranslations("webhook");
  if (status === null) {
    return (
      <Text size="sm" c="dimmed" span title={t("noAnswer")}>
        —
      </Text>
    );
  }
  return (
    <Text size="sm" fw={600} c={httpStatusColor(status)} span>
      {status}
    </Text>
  );
}

export function ErrorText({ error, maw }: { error: string | null; maw?: number | string }) {
  if (error === null) {
    return (
      <Text size="sm" c="dimmed" span>
        —
      </Text>
    );
  }
  return (
    <Tooltip label={error} multiline w={360} openDelay={200} withinPortal>
      <Text size="sm" c={ERROR_COLOR} truncate maw={maw} title={error} data-testid="delivery-error">
        {error}
      </Text>
    </Tooltip>
  );
}

function FunnelIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <path
        d="M4 5h16l-6 7.5V19l-4 1.5v-8L4 5z"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function SessionCell({ sessionID, filtered }: { sessionID: string; filtered: boolean }) {
  const t = useTranslations("webhook");
  return (
    <Group gap={4} wrap="nowrap">
      <Anchor
        component={Link}
        href={`/console/sessions/${sessionID}`}
        className={classes.mono}
        title={sessionID}
        aria-label={t("sessionLink", { session: sessionID })}
      >
        {shortId(sessionID)}
      </Anchor>
      {!filtered && (
        <Tooltip label={t("onlySession")} withinPortal openDelay={300}>
          <ActionIcon
            component={Link}
            href={webhookPageHref({ session: sessionID })}
            variant="subtle"
            color="gray"
            size="sm"
            aria-label={t("onlySessionLabel", { session: sessionID })}
          >
            <FunnelIcon />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

/** Where the attempt went, when a different URL is set now (it was changed since). */
export function OtherUrl({
  url,
  currentUrl,
}: {
  url: string;
  currentUrl: string | null | undefined;
}) {
  const t = useTranslations("webhook");
  // No webhook now (or not known yet): every attempt went elsewhere, nothing to point out.
  if (currentUrl == null || url === currentUrl) return null;
  return (
    <Text size="xs" c="dimmed" truncate maw={200} title={url} data-testid="delivery-url">
      {t("sentTo", { url })}
    </Text>
  );
}

export function rowData(d: WebhookDelivery) {
  return {
    "data-outcome": d.outcome,
    "data-status": d.httpStatus ?? "",
    "data-session": d.sessionID,
    "data-seq": d.seq,
    "data-attempt": d.attempt,
  };
}
