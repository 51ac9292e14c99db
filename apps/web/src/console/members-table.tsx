"use client";
import type { SessionMemberView, SessionView } from "@collab/contracts";
import { Badge, Box, Group, Paper, Stack, Table, Text } from "@mantine/core";
import { MemberStateBadge } from "./badges";
import classes from "./console.module.css";
import { OpenAsMember } from "./open-as-member";
import { Time } from "./time";

function CreatorTag() {
  return (
    <Badge size="xs" variant="default" radius="sm" tt="none" className={classes.badge}>
      creator
    </Badge>
  );
}

function Invited({ member }: { member: SessionMemberView }) {
  if (member.invitedBy === null || member.invitedAt === null) {
    return (
      <Text size="sm" c="dimmed">
        At creation
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      <Text size="sm" className={classes.nowrap}>
        by {member.invitedBy}
      </Text>
      <Text size="xs" c="dimmed" className={classes.nowrap}>
        <Time iso={member.invitedAt} />
      </Text>
    </Stack>
  );
}

/** Laptop and wider: one row per member. */
function MemberRows({ session }: { session: SessionView }) {
  return (
    <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Members">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Member</Table.Th>
          <Table.Th>State</Table.Th>
          <Table.Th>Roles</Table.Th>
          <Table.Th>Device</Table.Th>
          <Table.Th>Invited</Table.Th>
          <Table.Th>Phone</Table.Th>
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
              <OpenAsMember sessionID={session.sessionID} userID={m.userID} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Phones: one compact card per member, nothing to scroll sideways. */
function MemberCards({ session }: { session: SessionView }) {
  return (
    <Stack gap="xs" p="sm" pt={0} role="list" aria-label="Members">
      {session.members.map((m) => {
        const details = [
          m.roles.length > 0 ? `roles ${m.roles.join(", ")}` : null,
          m.deviceType !== 0 ? `device ${m.deviceType}` : null,
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
                  invited by {m.invitedBy}, <Time iso={m.invitedAt} />
                </>
              ) : (
                "added at creation"
              )}
            </Text>
            <Group mt={6}>
              <OpenAsMember sessionID={session.sessionID} userID={m.userID} />
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}

export function MembersTable({ session }: { session: SessionView }) {
  if (session.members.length === 0) {
    return (
      <Text c="dimmed" size="sm" p="md">
        No members yet. Ring someone with the form below.
      </Text>
    );
  }
  return (
    <>
      <Box visibleFrom="sm">
        <Table.ScrollContainer minWidth={560} type="native">
          <MemberRows session={session} />
        </Table.ScrollContainer>
      </Box>
      <Box hiddenFrom="sm">
        <MemberCards session={session} />
      </Box>
    </>
  );
}
