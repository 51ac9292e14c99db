"use client";
import type { WebhookDelivery } from "@collab/contracts";
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  EmptyState,
  Group,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import classes from "./console.module.css";
import { consoleErrorOf } from "./errors";
import { shortId } from "./labels";
import { Time } from "./time";
import { useTRPC } from "./trpc";
import {
  checkSessionFilter,
  formatDuration,
  httpStatusColor,
  webhookOutcomeLook,
  webhookPageHref,
} from "./webhook-labels";

export const DELIVERIES_PAGE_SIZE = 25;
/** How often the first page is read again (older pages hold still). */
const LOG_REFRESH_MS = 3_000;
const COLUMNS = 9;
/** Readable in both colour schemes. */
const ERROR_COLOR = "var(--mantine-color-red-text)";

export function WebhookOutcomeBadge({ outcome }: { outcome: WebhookDelivery["outcome"] }) {
  const look = webhookOutcomeLook(outcome);
  return (
    <Tooltip label={`${look.hint} (${outcome})`} openDelay={300} withinPortal>
      <Badge
        variant="light"
        color={look.color}
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

function HttpStatus({ status }: { status: number | null }) {
  if (status === null) {
    return (
      <Text size="sm" c="dimmed" span title="The receiver did not answer">
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

function ErrorText({ error, maw }: { error: string | null; maw?: number | string }) {
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

function SessionCell({ sessionID, filtered }: { sessionID: string; filtered: boolean }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Anchor
        component={Link}
        href={`/console/sessions/${sessionID}`}
        className={classes.mono}
        title={sessionID}
        aria-label={`Session ${sessionID}`}
      >
        {shortId(sessionID)}
      </Anchor>
      {!filtered && (
        <Tooltip label="Only this session's deliveries" withinPortal openDelay={300}>
          <ActionIcon
            component={Link}
            href={webhookPageHref({ session: sessionID })}
            variant="subtle"
            color="gray"
            size="sm"
            aria-label={`Show only the deliveries of session ${sessionID}`}
          >
            <FunnelIcon />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

/** Where the attempt went, when a different URL is set now (it was changed since). */
function OtherUrl({ url, currentUrl }: { url: string; currentUrl: string | null | undefined }) {
  // No webhook now (or not known yet): every attempt went elsewhere, nothing to point out.
  if (currentUrl == null || url === currentUrl) return null;
  return (
    <Text size="xs" c="dimmed" truncate maw={200} title={url} data-testid="delivery-url">
      to {url}
    </Text>
  );
}

function rowData(d: WebhookDelivery) {
  return {
    "data-outcome": d.outcome,
    "data-status": d.httpStatus ?? "",
    "data-session": d.sessionID,
    "data-seq": d.seq,
    "data-attempt": d.attempt,
  };
}

function LoadingRows() {
  return Array.from({ length: 5 }, (_, i) => (
    <Table.Tr key={i}>
      {Array.from({ length: COLUMNS }, (_, j) => (
        <Table.Td key={j}>
          <Skeleton h={16} />
        </Table.Td>
      ))}
    </Table.Tr>
  ));
}

function DeliveryRows({
  deliveries,
  isPending,
  filtered,
  currentUrl,
  busy,
}: {
  deliveries: readonly WebhookDelivery[];
  isPending: boolean;
  filtered: boolean;
  currentUrl: string | null | undefined;
  busy: boolean;
}) {
  return (
    <Table.ScrollContainer minWidth={1000} type="native">
      <Table
        highlightOnHover
        verticalSpacing="xs"
        horizontalSpacing="sm"
        aria-label="Delivery attempts"
        aria-busy={busy}
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th ps="md">Time</Table.Th>
            <Table.Th>Event</Table.Th>
            <Table.Th>Session</Table.Th>
            <Table.Th ta="right">Seq</Table.Th>
            <Table.Th ta="right">Attempt</Table.Th>
            <Table.Th miw={124}>Outcome</Table.Th>
            <Table.Th ta="right">HTTP</Table.Th>
            <Table.Th ta="right">Duration</Table.Th>
            <Table.Th miw={140} pe="md">
              Error
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {isPending ? (
            <LoadingRows />
          ) : (
            deliveries.map((d) => (
              <Table.Tr key={d.id} data-testid="delivery-row" {...rowData(d)}>
                <Table.Td className={classes.nowrap} ps="md">
                  <Text size="sm" span>
                    <Time iso={d.time} style="long" />
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text className={classes.mono} fw={600} title={`event ${d.eventID}`}>
                    {d.type}
                  </Text>
                  <OtherUrl url={d.url} currentUrl={currentUrl} />
                </Table.Td>
                <Table.Td className={classes.nowrap}>
                  <SessionCell sessionID={d.sessionID} filtered={filtered} />
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" span>
                    {d.seq}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" span c={d.attempt > 1 ? undefined : "dimmed"}>
                    {d.attempt}
                  </Text>
                </Table.Td>
                <Table.Td className={classes.nowrap}>
                  <WebhookOutcomeBadge outcome={d.outcome} />
                </Table.Td>
                <Table.Td ta="right">
                  <HttpStatus status={d.httpStatus} />
                </Table.Td>
                <Table.Td ta="right" className={classes.nowrap}>
                  <Text size="sm" span>
                    {formatDuration(d.durationMs)}
                  </Text>
                </Table.Td>
                {/* The rest of the row's width; longer errors are cut (full text on hover). */}
                <Table.Td pe="md" style={{ width: "100%", maxWidth: 0 }}>
                  <ErrorText error={d.error} />
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function DeliveryCards({
  deliveries,
  isPending,
  filtered,
}: {
  deliveries: readonly WebhookDelivery[];
  isPending: boolean;
  filtered: boolean;
}) {
  if (isPending) {
    return (
      <Stack gap="xs" p="sm" pt={0} aria-busy>
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} h={76} radius="md" />
        ))}
      </Stack>
    );
  }
  return (
    <Stack gap="xs" p="sm" pt={0} role="list" aria-label="Delivery attempts">
      {deliveries.map((d) => (
        <Paper
          key={d.id}
          withBorder
          radius="md"
          p="sm"
          role="listitem"
          data-testid="delivery-card"
          {...rowData(d)}
        >
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text className={classes.mono} fw={600} truncate title={`event ${d.eventID}`}>
              {d.type}
            </Text>
            <WebhookOutcomeBadge outcome={d.outcome} />
          </Group>
          <Group gap={6} mt={4} wrap="wrap">
            <SessionCell sessionID={d.sessionID} filtered={filtered} />
            <Text size="xs" c="dimmed">
              seq {d.seq} · attempt {d.attempt}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" mt={2}>
            {d.httpStatus === null ? "no answer" : <>HTTP {d.httpStatus}</>} ·{" "}
            {formatDuration(d.durationMs)} · <Time iso={d.time} style="long" />
          </Text>
          {d.error !== null && (
            <Text size="xs" c={ERROR_COLOR} mt={2} lineClamp={2} title={d.error}>
              {d.error}
            </Text>
          )}
        </Paper>
      ))}
    </Stack>
  );
}

function SessionFilter({ session }: { session: string | null }) {
  const router = useRouter();
  const [value, setValue] = useState(session ?? "");
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = checkSessionFilter(value);
    if (problem !== null) {
      setError(problem);
      return;
    }
    router.push(webhookPageHref({ session: value.trim() || null }));
  };
  return (
    <Box
      component="form"
      onSubmit={submit}
      aria-label="Filter by session"
      w={{ base: "100%", xs: 440 }}
    >
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput
          aria-label="Session ID"
          placeholder="Filter by session ID"
          size="sm"
          spellCheck={false}
          autoComplete="off"
          value={value}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            setError(null);
          }}
          error={error}
          classNames={{ input: classes.mono }}
          miw={0}
          style={{ flex: "1 1 0" }}
          data-testid="session-filter"
        />
        <Button type="submit" variant="light" size="sm">
          Filter
        </Button>
        {session !== null && (
          <Button component={Link} href={webhookPageHref({})} variant="subtle" size="sm">
            Show all
          </Button>
        )}
      </Group>
    </Box>
  );
}

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
