"use client";
import type { SessionMemberView, SessionView } from "@collab/contracts";
import { Badge, Box, Group, Paper, Stack, Table, Text } from "@mantine/core";
import { useTranslations } from "next-intl";
import { MemberStateBadge } from "./badges";
import { CancelRing } from "./cancel-ring";
import classes from "./console.module.css";
import { MissedCallsLink } from "./missed-calls-link";
import { OpenAsMember } from "./open-as-member";
import { Time } from "./time";

function CreatorTag() {
  const t = useTranslations("members");
  return (
    <Badge size="xs" variant="default" radius="sm" tt="none" className={classes.badge}>
      {t("creator")}
    </Badge>
  );
}

function Invited({ member }: { member: SessionMemberView }) {
  const t = useTranslations("members");
  if (member.invitedBy === null || member.invitedAt === null) {
    return (
      <Text size="sm" c="dimmed">
        {t("atCreation")}
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      <Text size="sm" className={classes.nowrap}>
        {t("by", { user: member.invitedBy })}
      </Text>
      <Text size="xs" c="dimmed" className={classes.nowrap}>
        <Time iso={member.invitedAt} />
      </Text>
    </Stack>
  );
}

/** The member's actions: open the phone as them; cancel their ring while it rings. */
function MemberActions({ session, member }: { session: SessionView; member: SessionMemberView }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <OpenAsMember sessionID={session.sessionID} userID={member.userID} />
      {member.memberSessionState === "MEMBER_CALLING" && member.invitedBy !== null && (
        <CancelRing
          collaborationID={session.collaborationID}
          sessionID={session.sessionID}
          userID={member.userID}
          invitedBy={member.invitedBy}
        />
      )}
    </Group>
  );
}

/** Laptop and wider: one row per member. */
function MemberRows({ session }: { session: SessionView }) {
  const t = useTranslations("members");
  return (
    <Table verticalSpacing="sm" horizontalSpacing="md" aria-label={t("label")}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("member")}</Table.Th>
          <Table.Th>{t("state")}</Table.Th>
          <Table.Th>{t("roles")}</Table.Th>
          <Table.Th>{t("device")}</Table.Th>
          <Table.Th>{t("invited")}</Table.Th>
          <Table.Th>{t("phone")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {session.members.map((m) => (
          <Table.Tr key={m.userID} data-testid="member-row" data-user={m.userID}>
            <Table.Td>
              <Group gap={6} wrap="nowrap">
                <Text fw={600} size="sm" className={classes.nowrap}>
                  {m.userID}
                </Text>
                {m.userID === session.collaboration.creatorID && <CreatorTag />}
                <MissedCallsLink userID={m.userID} />
              </Group>
            </Table.Td>
            <Table.Td className={classes.nowrap}>
              <MemberStateBadge state={m.memberSessionState} />
            </Table.Td>
            <Table.Td>
              <Text size="sm" c={m.roles.length === 0 ? "dimmed" : undefined}>
                {m.roles.length === 0 ? "—" : m.roles.join(", ")}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" c={m.deviceType === 0 ? "dimmed" : undefined}>
                {m.deviceType === 0 ? "—" : m.deviceType}
              </Text>
            </Table.Td>
            <Table.Td>
              <Invited member={m} />
            </Table.Td>
            <Table.Td>
              <MemberActions session={session} member={m} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Phones: one compact card per member, nothing to scroll sideways. */
function MemberCards({ session }: { session: SessionView }) {
  const t = useTranslations("members");
  return (
    <Stack gap="xs" p="sm" pt={0} role="list" aria-label={t("label")}>
      {session.members.map((m) => {
        const details = [
          m.roles.length > 0 ? t("rolesDetail", { roles: m.roles.join(", ") }) : null,
          m.deviceType !== 0 ? t("deviceDetail", { device: m.deviceType }) : null,
        ].filter((d) => d !== null);
        return (
          <Paper
            key={m.userID}
            withBorder
            radius="md"
            p="sm"
            role="listitem"
            data-testid="member-card"
            data-user={m.userID}
          >
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Group gap={6} wrap="nowrap" miw={0}>
                <Text fw={600} size="sm" truncate>
                  {m.userID}
                </Text>
                {m.userID === session.collaboration.creatorID && <CreatorTag />}
              </Group>
              <MemberStateBadge state={m.memberSessionState} />
            </Group>
            <Text size="xs" c="dimmed" mt={4}>
              {details.length > 0 && `${details.join(" · ")} · `}
              {m.invitedBy !== null && m.invitedAt !== null ? (
                <>
                  {t("invitedBy", { user: m.invitedBy })} <Time iso={m.invitedAt} />
                </>
              ) : (
                t("addedAtCreation")
              )}
            </Text>
            <Group mt={6}>
              <MemberActions session={session} member={m} />
              <MissedCallsLink userID={m.userID} />
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}

export function MembersTable({ session }: { session: SessionView }) {
  const t = useTranslations("members");
  if (session.members.length === 0) {
    return (
      <Text c="dimmed" size="sm" p="md">
        {t("none")}
      </Text>
    );
  }
  return (
    <>
      <Box visibleFrom="sm">
        {/* Wide enough for a ringing member's two actions without squeezing the state badge. */}
        <Table.ScrollContainer minWidth={920} type="native">
          <MemberRows session={session} />
        </Table.ScrollContainer>
      </Box>
      <Box hiddenFrom="sm">
        <MemberCards session={session} />
      </Box>
    </>
  );
}
