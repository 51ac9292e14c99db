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
import classes from "./console.module.css";
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
              Delivery log
            </Title>
            {before === null ? (
              <Tooltip label={`Newest attempts, read again every ${LOG_REFRESH_MS / 1000} s`}>
                <Badge
                  variant="dot"
                  color="teal"
                  radius="sm"
                  tt="none"
                  data-testid="log-refresh"
                  data-live="true"
                >
                  Auto-refresh
                </Badge>
              </Tooltip>
            ) : (
              <Tooltip label="Older pages hold still; go to Newest to follow new attempts">
                <Badge
                  variant="dot"
                  color="gray"
                  radius="sm"
                  tt="none"
                  data-testid="log-refresh"
                  data-live="false"
                >
                  Paused
                </Badge>
              </Tooltip>
            )}
          </Group>
          <SessionFilter key={session ?? ""} session={session} />
        </Group>
        {filtered && (
          <Text size="sm" c="dimmed" data-testid="log-filter">
            Attempts of session{" "}
            <Anchor component={Link} href={`/console/sessions/${session}`} className={classes.mono}>
              {session}
            </Anchor>{" "}
            only.
          </Text>
        )}
        {log.error && (
          <Alert color="red" variant="light" title="Could not load the delivery log" role="alert">
            {consoleErrorOf(log.error).message}
          </Alert>
        )}
      </Stack>

      {empty ? (
        <Box px="md" pb="xl" pt="xs">
          <EmptyState
            icon={<EmptyIcon />}
            withIndicatorBackground
            title={
              filtered
                ? "No deliveries for this session"
                : before !== null
                  ? "Nothing older"
                  : "No deliveries yet"
            }
            description={
              currentUrl === null
                ? "Set a webhook URL above: every session event from then on is POSTed to it, and each attempt appears here."
                : "Each attempt to deliver a session event appears here within seconds: its outcome, HTTP status, duration and error."
            }
          >
            {before !== null && (
              <EmptyState.Actions>
                <Button variant="light" onClick={() => router.push(webhookPageHref({ session }))}>
                  Newest
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
                ? `${deliveries.length} attempt${deliveries.length === 1 ? "" : "s"}${before === null ? ", newest first" : ", older page"}`
                : "\u00a0"}
            </Text>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                disabled={before === null}
                onClick={() => router.push(webhookPageHref({ session }))}
              >
                Newest
              </Button>
              <Button
                variant="default"
                size="xs"
                disabled={next === null || log.isPlaceholderData}
                onClick={() => router.push(webhookPageHref({ session, before: next }))}
              >
                Older
              </Button>
            </Group>
          </Group>
        </>
      )}
    </Card>
  );
}
