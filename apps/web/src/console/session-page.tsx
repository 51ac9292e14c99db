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
import { useCallback } from "react";
import { CollaborationStateBadge, SessionStateBadge } from "./badges";
import classes from "./console.module.css";
import { consoleErrorOf } from "./errors";
import { EventTimeline } from "./event-timeline";
import { InviteForm } from "./invite-form";
import { MembersTable } from "./members-table";
import { Time } from "./time";
import { useTRPC } from "./trpc";
import { type LiveStatus, useSessionTimeline } from "./use-session-timeline";

function CopyableId({ label, value }: { label: string; value: string }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? "Copied" : `Copy ${label}`} withArrow withinPortal>
          <UnstyledButton onClick={copy} aria-label={`Copy ${label} ${value}`}>
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

const LIVE_LOOK: Record<LiveStatus, { label: string; color: string; hint: string }> = {
  starting: { label: "Connecting…", color: "gray", hint: "Opening the live stream" },
  live: { label: "Live", color: "teal", hint: "New events appear as they happen" },
  reconnecting: {
    label: "Reconnecting…",
    color: "orange",
    hint: "The stream dropped; it resumes from the last event",
  },
  stopped: { label: "Stopped", color: "red", hint: "The live stream stopped" },
};

function LiveIndicator({ status, onRetry }: { status: LiveStatus; onRetry: () => void }) {
  const look = LIVE_LOOK[status];
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
          Retry
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
        Collaborations
      </Anchor>
      <Text size="sm" c="dimmed" truncate maw={280}>
        {session.data?.collaboration.detail || "Session"}
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
            title={
              error.reason === "NOT_FOUND" ? "Session not found" : "Could not load the session"
            }
            description={
              error.reason === "NOT_FOUND"
                ? "There is no such session in this app. It may belong to another app, or the link is wrong."
                : error.message
            }
          >
            <EmptyState.Actions>
              <Button component={Link} href="/console" variant="light">
                Back to collaborations
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
            {s.collaboration.detail || "Untitled collaboration"}
          </Title>
          <LiveIndicator status={timeline.status} onRetry={timeline.reconnect} />
        </Group>
        <Group gap="xs">
          <SessionStateBadge state={s.state} />
          <CollaborationStateBadge state={s.collaboration.state} />
          <Text size="sm" c="dimmed">
            created by {s.collaboration.creatorID} · <Time iso={s.createdAt} />
          </Text>
        </Group>
        <Group gap="lg" wrap="wrap">
          <CopyableId label="session" value={s.sessionID} />
          <CopyableId label="collaboration" value={s.collaborationID} />
          <Anchor
            component={Link}
            href={`/console/webhook?session=${encodeURIComponent(s.sessionID)}`}
            size="sm"
            data-testid="session-webhook-link"
          >
            Webhook deliveries for this session
          </Anchor>
        </Group>
      </Stack>

      {timeline.error && (
        <Alert color="red" variant="light" title="Could not load the events">
          {timeline.error.message}
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Card withBorder radius="lg" padding={0}>
              <Group justify="space-between" p="md" pb="xs">
                <Title order={2} fz="lg">
                  Members
                </Title>
                <Text size="sm" c="dimmed" data-testid="member-counts">
                  <Text span fw={600} c="var(--mantine-color-text)">
                    {s.liveMembers}
                  </Text>{" "}
                  live of {s.memberLimit} allowed · {s.members.length} in session
                </Text>
              </Group>
              <MembersTable session={s} />
            </Card>
            <Card withBorder radius="lg" padding="md">
              <Title order={2} fz="lg" mb="sm">
                Invite
              </Title>
              <InviteForm session={s} onInvited={refresh} />
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder radius="lg" padding="md">
            <Title order={2} fz="lg" mb="md">
              Events
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
