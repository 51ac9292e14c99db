"use client";
import {
  Alert,
  Anchor,
  Button,
  Card,
  EmptyState,
  Group,
  Pagination,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { CollaborationStateBadge, SessionStateBadge } from "./badges";
import classes from "./console.module.css";
import { CreateCollaborationModal } from "./create-collaboration";
import { useErrorText } from "./error-text";
import { consoleErrorOf } from "./errors";
import { shortId } from "./labels";
import { Time } from "./time";
import { useTRPC } from "./trpc";

const PAGE_SIZE = 20;

function LoadingRows() {
  return Array.from({ length: 4 }, (_, i) => (
    <Table.Tr key={i}>
      {Array.from({ length: 6 }, (_, j) => (
        <Table.Td key={j}>
          <Skeleton h={16} />
        </Table.Td>
      ))}
    </Table.Tr>
  ));
}

function EmptyIcon() {
  return (
    <svg width="28" height="28" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="8" cy="12" r="5" stroke="currentColor" strokeWidth="1.6" />
      <circle cx="16" cy="12" r="5" stroke="currentColor" strokeWidth="1.6" />
    </svg>
  );
}

export function CollaborationsPage({ page }: { page: number }) {
  const trpc = useTRPC();
  const t = useTranslations("collaborations");
  const errorText = useErrorText();
  const router = useRouter();
  const [creating, { open, close }] = useDisclosure(false);
  const list = useQuery(
    trpc.collaboration.list.queryOptions(
      { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      // Counts change as members are rung elsewhere; a slow refresh keeps the list honest.
      { placeholderData: keepPreviousData, refetchInterval: 10_000 },
    ),
  );
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;
  const openSession = (sessionID: string) => router.push(`/console/sessions/${sessionID}`);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={1} fz={{ base: 24, sm: 28 }}>
            {t("title")}
          </Title>
          <Text c="dimmed" size="sm">
            {list.data && list.data.total > 0 ? t("count", { count: list.data.total }) : t("intro")}
          </Text>
        </Stack>
        <Button onClick={open}>{t("new")}</Button>
      </Group>

      {list.error && (
        <Alert color="red" variant="light" title={t("loadFailed")} role="alert">
          {errorText.message(consoleErrorOf(list.error))}
        </Alert>
      )}

      {list.data && list.data.total > 0 && list.data.items.length === 0 && (
        <Alert color="gray" variant="light" title={t("emptyPage")}>
          {t("emptyPageText")}{" "}
          <Anchor component={Link} href="/console">
            {t("firstPage")}
          </Anchor>
        </Alert>
      )}

      {list.data?.total === 0 ? (
        <Card withBorder padding="xl" radius="lg">
          <EmptyState
            icon={<EmptyIcon />}
            withIndicatorBackground
            title={t("none")}
            description={t("noneText")}
          >
            <EmptyState.Actions>
              <Button onClick={open}>{t("new")}</Button>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      ) : (
        <Card withBorder padding={0} radius="lg" visibleFrom="sm">
          <Table.ScrollContainer minWidth={720} type="native">
            <Table
              highlightOnHover
              verticalSpacing="sm"
              horizontalSpacing="md"
              aria-busy={list.isFetching}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("collaboration")}</Table.Th>
                  <Table.Th>{t("creator")}</Table.Th>
                  <Table.Th>{t("state")}</Table.Th>
                  <Table.Th>{t("session")}</Table.Th>
                  <Table.Th ta="right">{t("members")}</Table.Th>
                  <Table.Th>{t("created")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.isPending ? (
                  <LoadingRows />
                ) : (
                  list.data?.items.map((c) => (
                    <Table.Tr
                      key={c.collaborationID}
                      className={c.session ? classes.clickableRow : undefined}
                      onClick={
                        c.session ? () => openSession(c.session?.sessionID ?? "") : undefined
                      }
                      data-testid="collaboration-row"
                    >
                      <Table.Td maw={320}>
                        {c.session ? (
                          <Anchor
                            component={Link}
                            href={`/console/sessions/${c.session.sessionID}`}
                            className={classes.rowLink}
                            onClick={(e) => e.stopPropagation()}
                          >
                            {c.detail || t("untitled")}
                          </Anchor>
                        ) : (
                          <Text fw={600}>{c.detail || t("untitled")}</Text>
                        )}
                        <Text className={classes.mono} c="dimmed" title={c.collaborationID}>
                          {shortId(c.collaborationID)}
                        </Text>
                      </Table.Td>
                      <Table.Td>{c.creatorID}</Table.Td>
                      <Table.Td className={classes.nowrap}>
                        <CollaborationStateBadge state={c.state} />
                      </Table.Td>
                      <Table.Td className={classes.nowrap}>
                        {c.session ? <SessionStateBadge state={c.session.state} /> : "—"}
                      </Table.Td>
                      <Table.Td ta="right" className={classes.nowrap}>
                        {c.session ? (
                          <Text size="sm" span>
                            {t.rich("liveTotal", {
                              live: c.session.liveMembers,
                              total: c.session.totalMembers,
                              strong: (chunks) => (
                                <Text span fw={600}>
                                  {chunks}
                                </Text>
                              ),
                            })}
                          </Text>
                        ) : (
                          "—"
                        )}
                      </Table.Td>
                      <Table.Td className={classes.nowrap}>
                        <Text size="sm" c="dimmed" span>
                          <Time iso={c.createdAt} />
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}

      {list.data && list.data.total > 0 && (
        <Stack gap="xs" hiddenFrom="sm" role="list" aria-label={t("title")}>
          {list.data.items.map((c) => (
            <Card
              key={c.collaborationID}
              withBorder
              radius="lg"
              padding="md"
              role="listitem"
              data-testid="collaboration-card"
            >
              <Stack gap={6}>
                {c.session ? (
                  <Anchor
                    component={Link}
                    href={`/console/sessions/${c.session.sessionID}`}
                    className={classes.rowLink}
                  >
                    {c.detail || t("untitled")}
                  </Anchor>
                ) : (
                  <Text fw={600}>{c.detail || t("untitled")}</Text>
                )}
                <Group gap={6}>
                  <CollaborationStateBadge state={c.state} />
                  {c.session && <SessionStateBadge state={c.session.state} />}
                </Group>
                <Text size="xs" c="dimmed">
                  {t("by", { creator: c.creatorID })}
                  {c.session &&
                    ` · ${t("cardMembers", { live: c.session.liveMembers, total: c.session.totalMembers })}`}{" "}
                  · <Time iso={c.createdAt} />
                </Text>
              </Stack>
            </Card>
          ))}
        </Stack>
      )}

      {pages > 1 && (
        <Group justify="center">
          <Pagination
            total={pages}
            value={Math.min(page, pages)}
            onChange={(next) => router.push(next === 1 ? "/console" : `/console?page=${next}`)}
            getItemProps={(n) => ({ "aria-label": t("page", { page: n }) })}
          />
        </Group>
      )}

      <CreateCollaborationModal opened={creating} onClose={close} />
    </Stack>
  );
}
