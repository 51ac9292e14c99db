"use client";
import type { MissedReason, UserCallRecord } from "@collab/contracts";
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Group,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import classes from "./console.module.css";
import { useErrorText } from "./error-text";
import { consoleErrorOf } from "./errors";
import { Time } from "./time";
import { useTRPC } from "./trpc";

// A user's missed calls (calls.byUser with outcome "missed": POST /user/calls's use case),
// newest first, a page at a time (`?cursor=`), for the user named in `?user=`.

const PAGE = 20;

const REASON_COLOR: Readonly<Record<MissedReason, string>> = {
  timed_out: "orange",
  declined: "pink",
  busy: "grape",
  cancelled: "gray",
  offline: "dark",
};

/** The missed-calls page of `user` (a page from `cursor`), or the empty search. */
export function missedCallsHref(params: { user?: string | null; cursor?: string | null }): string {
  const query = new URLSearchParams();
  if (params.user) query.set("user", params.user);
  if (params.cursor) query.set("cursor", params.cursor);
  const search = query.toString();
  return search === "" ? "/console/calls" : `/console/calls?${search}`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function UserSearch({ user }: { user: string | null }) {
  const router = useRouter();
  const t = useTranslations("calls");
  const [value, setValue] = useState(user ?? "");
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const userID = value.trim();
    if (userID === "" || [...userID].length > 64) {
      setError(t("userInvalid"));
      return;
    }
    router.push(missedCallsHref({ user: userID }));
  };
  return (
    <Box
      component="form"
      onSubmit={submit}
      aria-label={t("searchForm")}
      w={{ base: "100%", xs: 440 }}
    >
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput
          aria-label={t("userId")}
          placeholder={t("userIdPlaceholder")}
          size="sm"
          spellCheck={false}
          autoComplete="off"
          value={value}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            setError(null);
          }}
          error={error}
          miw={0}
          style={{ flex: "1 1 0" }}
          data-testid="calls-user"
        />
        <Button type="submit" variant="light" size="sm">
          {t("show")}
        </Button>
      </Group>
    </Box>
  );
}

function ReasonBadge({ reason }: { reason: MissedReason | null }) {
  const t = useTranslations("calls.reason");
  if (reason === null) return null;
  return (
    <Badge
      variant="light"
      color={REASON_COLOR[reason]}
      radius="sm"
      tt="none"
      className={classes.badge}
      data-reason={reason}
    >
      {t(reason)}
    </Badge>
  );
}

function CallRow({ call }: { call: UserCallRecord }) {
  const t = useTranslations("calls");
  const rungAt = iso(call.invitedAt);
  return (
    <Table.Tr
      data-testid="missed-call"
      data-session={call.sessionID}
      data-reason={call.missedReason}
    >
      <Table.Td className={classes.nowrap} ps="md">
        <Text size="sm" span>
          {rungAt === null ? "—" : <Time iso={rungAt} style="long" />}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{call.invitedBy ?? t("server")}</Text>
      </Table.Td>
      <Table.Td>
        <ReasonBadge reason={call.missedReason} />
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} href={`/console/sessions/${call.sessionID}`} size="sm">
          {call.detail === "" ? t("untitled") : call.detail}
        </Anchor>
      </Table.Td>
      <Table.Td pe="md">
        <Text size="sm" className={classes.nowrap}>
          <Time iso={new Date(call.changedAt).toISOString()} />
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function MissedCalls({ user, cursor }: { user: string; cursor: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useTranslations("calls");
  const errorText = useErrorText();
  const calls = useQuery({
    ...trpc.calls.byUser.queryOptions({
      userID: user,
      outcome: "missed",
      cursor: cursor ?? "",
      limit: PAGE,
    }),
    placeholderData: keepPreviousData,
  });
  if (calls.error) {
    return (
      <Alert color="red" title={t("loadFailed")}>
        {errorText.describe(consoleErrorOf(calls.error))}
      </Alert>
    );
  }
  const page = calls.data;
  return (
    <Paper withBorder radius="md">
      <Stack gap={0}>
        <Text fw={600} p="md" pb="xs">
          {t("listTitle", { user })}
        </Text>
        {page !== undefined && page.calls.length === 0 ? (
          <Text c="dimmed" size="sm" p="md" pt={0} data-testid="no-missed-calls">
            {cursor === null ? t("none", { user }) : t("nothingOlder")}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640} type="native">
            <Table
              verticalSpacing="xs"
              horizontalSpacing="sm"
              aria-label={t("listLabel", { user })}
              aria-busy={calls.isFetching}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th ps="md">{t("rungAt")}</Table.Th>
                  <Table.Th>{t("rungBy")}</Table.Th>
                  <Table.Th>{t("why")}</Table.Th>
                  <Table.Th>{t("collaboration")}</Table.Th>
                  <Table.Th pe="md">{t("endedAt")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page === undefined
                  ? Array.from({ length: 3 }, (_, i) => (
                      <Table.Tr key={i}>
                        <Table.Td colSpan={5}>
                          <Skeleton h={16} />
                        </Table.Td>
                      </Table.Tr>
                    ))
                  : page.calls.map((call) => <CallRow key={call.sessionID} call={call} />)}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group justify="flex-end" gap="xs" p="sm">
          {/* Buttons, not links: a disabled button is out of the way (and of axe's contrast rule). */}
          <Button
            variant="default"
            size="xs"
            disabled={cursor === null}
            onClick={() => router.push(missedCallsHref({ user }))}
          >
            {t("newest")}
          </Button>
          <Button
            variant="default"
            size="xs"
            disabled={page === undefined || !page.hasMore || calls.isPlaceholderData}
            onClick={() => router.push(missedCallsHref({ user, cursor: page?.nextCursor ?? null }))}
            data-testid="older-missed-calls"
          >
            {t("older")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The missed calls of one user of the app, found by userID. */
export function MissedCallsPage({ user, cursor }: { user: string | null; cursor: string | null }) {
  const t = useTranslations("calls");
  return (
    <Stack gap="lg">
      <Stack gap={2}>
        <Title order={1} fz={{ base: 24, sm: 28 }}>
          {t("title")}
        </Title>
        <Text c="dimmed" size="sm">
          {t("intro")}
        </Text>
      </Stack>
      <UserSearch key={user ?? ""} user={user} />
      {user !== null && <MissedCalls key={user} user={user} cursor={cursor} />}
    </Stack>
  );
}
