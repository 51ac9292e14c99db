"use client";
import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Card,
  CopyButton,
  EmptyState,
  Grid,
  Group,
  Skeleton,
  Stack,
  Text,
  Title,
  Tooltip,
  UnstyledButton,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { CollaborationStateBadge, SessionStateBadge } from "./badges";
import classes from "./console.module.css";
import { useErrorText } from "./error-text";
import { consoleErrorOf } from "./errors";
import { EventTimeline } from "./event-timeline";
import { InviteForm } from "./invite-form";
import { MembersTable } from "./members-table";
import { Time } from "./time";
import { useTRPC } from "./trpc";
import { type LiveStatus, useSessionTimeline } from "./use-session-timeline";

function CopyableId({ label, value }: { label: string; value: string }) {
  const t = useTranslations("session");
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? t("copied") : t("copy", { label })} withArrow withinPortal>
          <UnstyledButton onClick={copy} aria-label={t("copyValue", { label, value })}>
            <Text size="xs" c="dimmed" span>
              {label}{" "}
            </Text>
            <Text className={classes.mono} span>
              {value}
            </Text>
          </UnstyledButton>
        </Tooltip>
      )}
    </CopyButton>
  );
}

const LIVE_COLOR: Record<LiveStatus, string> = {
  starting: "gray",
  live: "teal",
  reconnecting: "orange",
  stopped: "red",
};

function LiveIndicator({ status, onRetry }: { status: LiveStatus; onRetry: () => void }) {
  const t = useTranslations("session");
  const look = {
    label: t(`live.${status}.label`),
    color: LIVE_COLOR[status],
    hint: t(`live.${status}.hint`),
  };
  return (
    <Group gap={6}>
      <Tooltip label={look.hint} withinPortal>
        <Badge
          variant="dot"
          color={look.color}
          size="lg"
          radius="sm"
          tt="none"
          data-testid="live-status"
          data-status={status}
        >
          {look.label}
        </Badge>
      </Tooltip>
      {status === "stopped" && (
        <Button size="compact-xs" variant="subtle" onClick={onRetry}>
          {t("retry")}
        </Button>
      )}
    </Group>
  );
}

function PageSkeleton() {
  return (
    <Stack gap="lg">
      <Skeleton h={20} w={200} />
      <Skeleton h={36} w={320} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Skeleton h={280} radius="lg" />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Skeleton h={280} radius="lg" />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

export function SessionPage({ sessionId }: { sessionId: string }) {
  const trpc = useTRPC();
  const t = useTranslations("session");
  const tc = useTranslations("collaborations");
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const sessionKey = trpc.session.get.queryKey({ sessionID: sessionId });
  const session = useQuery(trpc.session.get.queryOptions({ sessionID: sessionId }));
  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: sessionKey });
    void queryClient.invalidateQueries({ queryKey: trpc.collaboration.list.queryKey() });
  }, [queryClient, sessionKey, trpc]);
  const timeline = useSessionTimeline(sessionId, refresh);

  const breadcrumbs = (
    <Breadcrumbs separator="›">
      <Anchor component={Link} href="/console" size="sm">
        {tc("title")}
      </Anchor>
      <Text size="sm" c="dimmed" truncate maw={280}>
        {session.data?.collaboration.detail || t("session")}
      </Text>
    </Breadcrumbs>
  );

  if (session.isPending) return <PageSkeleton />;
  if (session.error) {
    const error = consoleErrorOf(session.error);
    return (
      <Stack gap="lg">
        {breadcrumbs}
        <Card withBorder radius="lg" padding="xl">
          <EmptyState
            title={error.reason === "NOT_FOUND" ? t("notFound") : t("loadFailed")}
            description={
              error.reason === "NOT_FOUND" ? t("notFoundText") : errorText.message(error)
            }
          >
            <EmptyState.Actions>
              <Button component={Link} href="/console" variant="light">
                {t("back")}
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      </Stack>
    );
  }

  const s = session.data;
  return (
    <Stack gap="lg">
      {breadcrumbs}
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Title order={1} fz={{ base: 22, sm: 28 }} style={{ overflowWrap: "anywhere" }}>
            {s.collaboration.detail || tc("untitled")}
          </Title>
          <LiveIndicator status={timeline.status} onRetry={timeline.reconnect} />
        </Group>
        <Group gap="xs">
          <SessionStateBadge state={s.state} />
          <CollaborationStateBadge state={s.collaboration.state} />
          <Text size="sm" c="dimmed">
            {t("createdBy", { creator: s.collaboration.creatorID })} <Time iso={s.createdAt} />
          </Text>
        </Group>
        <Group gap="lg" wrap="wrap">
          <CopyableId label={t("sessionId")} value={s.sessionID} />
          <CopyableId label={t("collaborationId")} value={s.collaborationID} />
          <Anchor
            component={Link}
            href={`/console/webhook?session=${encodeURIComponent(s.sessionID)}`}
            size="sm"
            data-testid="session-webhook-link"
          >
            {t("webhookLink")}
          </Anchor>
        </Group>
      </Stack>

      {timeline.error && (
        <Alert color="red" variant="light" title={t("eventsFailed")}>
          {timeline.error.message}
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Card withBorder radius="lg" padding={0}>
              <Group justify="space-between" p="md" pb="xs">
                <Title order={2} fz="lg">
                  {t("members")}
                </Title>
                <Text size="sm" c="dimmed" data-testid="member-counts">
                  {t.rich("memberCounts", {
                    live: s.liveMembers,
                    limit: s.memberLimit,
                    count: s.members.length,
                    strong: (chunks) => (
                      <Text span fw={600} c="var(--mantine-color-text)">
                        {chunks}
                      </Text>
                    ),
                  })}
                </Text>
              </Group>
              <MembersTable session={s} />
            </Card>
            <Card withBorder radius="lg" padding="md">
              <Title order={2} fz="lg" mb="sm">
                {t("invite")}
              </Title>
              <InviteForm session={s} onInvited={refresh} />
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder radius="lg" padding="md">
            <Title order={2} fz="lg" mb="md">
              {t("events")}
            </Title>
            <EventTimeline
              events={timeline.events}
              isPending={timeline.isPending}
              hasOlder={timeline.hasOlder}
              loadingOlder={timeline.loadingOlder}
              onLoadOlder={() => void timeline.loadOlder()}
            />
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
