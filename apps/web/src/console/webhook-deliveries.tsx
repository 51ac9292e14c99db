"use client";
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  EmptyState,
  Group,
  Stack,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import classes from "./console.module.css";
import { useErrorText } from "./error-text";
import { consoleErrorOf } from "./errors";
import { useTRPC } from "./trpc";
import { DeliveryCards, DeliveryRows } from "./webhook-delivery-list";
import { webhookPageHref } from "./webhook-labels";
import { SessionFilter } from "./webhook-session-filter";

export const DELIVERIES_PAGE_SIZE = 25;
/** How often the first page is read again (older pages hold still). */
const LOG_REFRESH_MS = 3_000;

function EmptyIcon() {
  return (
    <svg width="28" height="28" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <path
        d="M4 12h10m0 0-4-4m4 4-4 4M18 5v14"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/**
 * The delivery log: every attempt, newest first, a page at a time (cursor `before`), optionally
 * of one session. The first page refreshes itself every few seconds.
 */
export function WebhookDeliveriesCard({
  session,
  before,
  currentUrl,
}: {
  session: string | null;
  before: string | null;
  /** The URL set now (undefined while loading): attempts to another URL say where they went. */
  currentUrl: string | null | undefined;
}) {
  const trpc = useTRPC();
  const t = useTranslations("webhook");
  const errorText = useErrorText();
  const router = useRouter();
  const log = useQuery(
    trpc.webhook.deliveries.queryOptions(
      { limit: DELIVERIES_PAGE_SIZE, before, sessionID: session },
      {
        placeholderData: keepPreviousData,
        refetchInterval: before === null ? LOG_REFRESH_MS : false,
      },
    ),
  );
  const deliveries = log.data?.deliveries ?? [];
  const next = log.data?.next ?? null;
  const filtered = session !== null;
  const empty = log.data !== undefined && deliveries.length === 0;

  return (
    <Card withBorder radius="lg" padding={0} data-testid="webhook-log">
      <Stack gap="sm" p="md">
        <Group justify="space-between" align="center" gap="sm">
          <Group gap="sm" align="center">
            <Title order={2} fz="lg">
              {t("log")}
            </Title>
            {before === null ? (
              <Tooltip label={t("autoRefreshHint", { seconds: LOG_REFRESH_MS / 1000 })}>
                <Badge
                  variant="dot"
                  color="teal"
                  radius="sm"
                  tt="none"
                  data-testid="log-refresh"
                  data-live="true"
                >
                  {t("autoRefresh")}
                </Badge>
              </Tooltip>
            ) : (
              <Tooltip label={t("pausedHint")}>
                <Badge
                  variant="dot"
                  color="gray"
                  radius="sm"
                  tt="none"
                  data-testid="log-refresh"
                  data-live="false"
                >
                  {t("paused")}
                </Badge>
              </Tooltip>
            )}
          </Group>
          <SessionFilter key={session ?? ""} session={session} />
        </Group>
        {filtered && (
          <Text size="sm" c="dimmed" data-testid="log-filter">
            {t.rich("filtered", {
              session: session ?? "",
              link: (chunks) => (
                <Anchor
                  component={Link}
                  href={`/console/sessions/${session}`}
                  className={classes.mono}
                >
                  {chunks}
                </Anchor>
              ),
            })}
          </Text>
        )}
        {log.error && (
          <Alert color="red" variant="light" title={t("logFailed")} role="alert">
            {errorText.message(consoleErrorOf(log.error))}
          </Alert>
        )}
      </Stack>

      {empty ? (
        <Box px="md" pb="xl" pt="xs">
          <EmptyState
            icon={<EmptyIcon />}
            withIndicatorBackground
            title={filtered ? t("noneForSession") : before !== null ? t("nothingOlder") : t("none")}
            description={currentUrl === null ? t("noneNoUrl") : t("noneText")}
          >
            {before !== null && (
              <EmptyState.Actions>
                <Button variant="light" onClick={() => router.push(webhookPageHref({ session }))}>
                  {t("newest")}
                </Button>
              </EmptyState.Actions>
            )}
          </EmptyState>
        </Box>
      ) : (
        <>
          <Box visibleFrom="sm">
            <DeliveryRows
              deliveries={deliveries}
              isPending={log.isPending}
              filtered={filtered}
              currentUrl={currentUrl}
              busy={log.isFetching}
            />
          </Box>
          <Box hiddenFrom="sm">
            <DeliveryCards deliveries={deliveries} isPending={log.isPending} filtered={filtered} />
          </Box>
          <Group justify="space-between" gap="sm" p="md" pt="sm" wrap="wrap">
            <Text size="xs" c="dimmed">
              {log.data
                ? t(before === null ? "countNewest" : "countOlder", { count: deliveries.length })
                : "\u00a0"}
            </Text>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                disabled={before === null}
                onClick={() => router.push(webhookPageHref({ session }))}
              >
                {t("newest")}
              </Button>
              <Button
                variant="default"
                size="xs"
                disabled={next === null || log.isPlaceholderData}
                onClick={() => router.push(webhookPageHref({ session, before: next }))}
              >
                {t("older")}
              </Button>
            </Group>
          </Group>
        </>
      )}
    </Card>
  );
}
