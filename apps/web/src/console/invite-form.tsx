"use client";
import { type InviteSessionResult, LIMITS, type SessionView } from "@collab/contracts";
import {
  Alert,
  Button,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { OutcomeBadge } from "./badges";
import classes from "./console.module.css";
import { useErrorText } from "./error-text";
import { type ConsoleError, consoleErrorOf, formFieldFor } from "./errors";
import { parseIntList } from "./labels";
import { useTRPC } from "./trpc";

type Field = "inviter" | "invitees" | "deviceType" | "roles";

// Which field a server error's path belongs to (members[3].roles[0] → roles, …).
const FIELDS: Readonly<Record<string, Field>> = {
  userID: "inviter",
  members: "invitees",
  "members[].userID": "invitees",
  "members[].deviceType": "deviceType",
  "members[].roles": "roles",
};

function defaultInviter(session: SessionView): string | null {
  const creator = session.collaboration.creatorID;
  if (session.members.some((m) => m.userID === creator)) return creator;
  return session.members[0]?.userID ?? null;
}

/**
 * Rings several userIDs at once through session.invite, with one device type and role list for
 * all of them. Shows each member's outcome, or the error next to the field it names.
 */
export function InviteForm({
  session,
  onInvited,
}: {
  session: SessionView;
  onInvited: () => void;
}) {
  const trpc = useTRPC();
  const t = useTranslations("invite");
  const errorText = useErrorText();
  const [inviter, setInviter] = useState<string | null>(() => defaultInviter(session));
  const [invitees, setInvitees] = useState<string[]>([]);
  const [pending, setPending] = useState("");
  const [deviceType, setDeviceType] = useState<number | string>(0);
  const [roles, setRoles] = useState("");
  const [localError, setLocalError] = useState<{ field: Field; message: string } | null>(null);
  const [result, setResult] = useState<InviteSessionResult | null>(null);

  const invite = useMutation(
    trpc.session.invite.mutationOptions({
      onSuccess: (data) => {
        setResult(data);
        setInvitees([]);
        setPending("");
        onInvited();
      },
      onMutate: () => setResult(null),
    }),
  );
  const serverError: ConsoleError | null = invite.error ? consoleErrorOf(invite.error) : null;
  const serverField = serverError ? formFieldFor(serverError.field, FIELDS) : null;
  const errorFor = (field: Field): string | undefined => {
    if (localError?.field === field) return localError.message;
    if (serverError && serverField === field) return errorText.describe(serverError);
    return undefined;
  };

  const ended =
    session.state === "SESSION_END" || session.collaboration.state === "COLLABORATION_END";
  const memberOptions = session.members.map((m) => m.userID);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLocalError(null);
    const all = pending.trim() ? [...invitees, pending.trim()] : invitees;
    if (all.length === 0) {
      setLocalError({ field: "invitees", message: t("needInvitee") });
      return;
    }
    const roleList = parseIntList(roles);
    if (roleList === null) {
      setLocalError({ field: "roles", message: t("badRoles") });
      return;
    }
    invite.mutate({
      collaborationID: session.collaborationID,
      sessionID: session.sessionID,
      userID: inviter ?? "",
      members: all.map((userID) => ({
        userID,
        deviceType: typeof deviceType === "number" ? deviceType : 0,
        roles: roleList,
      })),
    });
  };

  return (
    <form onSubmit={submit} aria-label={t("form")}>
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Select
            label={t("inviter")}
            description={t("inviterHint")}
            placeholder={t("inviterPlaceholder")}
            data={memberOptions}
            value={inviter}
            onChange={setInviter}
            searchable
            allowDeselect={false}
            nothingFoundMessage={t("notMember")}
            error={errorFor("inviter")}
          />
          <TagsInput
            label={t("invitees")}
            description={t("inviteesHint")}
            placeholder="user04, user05"
            splitChars={[",", " "]}
            maxTags={LIMITS.maxInviteMembers}
            clearable
            value={invitees}
            onChange={(value) => {
              setInvitees(value);
              if (localError?.field === "invitees") setLocalError(null);
            }}
            searchValue={pending}
            onSearchChange={setPending}
            error={errorFor("invitees")}
          />
          <NumberInput
            label={t("deviceType")}
            description={t("deviceTypeHint")}
            allowDecimal={false}
            value={deviceType}
            onChange={setDeviceType}
            error={errorFor("deviceType")}
          />
          <TextInput
            label={t("roles")}
            description={t("rolesHint")}
            placeholder={t("rolesPlaceholder")}
            value={roles}
            onChange={(e) => setRoles(e.currentTarget.value)}
            error={errorFor("roles")}
          />
        </SimpleGrid>

        {serverError !== null && serverField === null && (
          <Alert color="red" variant="light" title={serverError.reason} role="alert">
            {errorText.message(serverError)}
          </Alert>
        )}

        <Group justify="space-between" align="center" wrap="nowrap" gap="md">
          <Text size="xs" c="dimmed">
            {ended ? t("ended") : t("explain")}
          </Text>
          <Button type="submit" loading={invite.isPending} className={classes.badge}>
            {t("submit")}
          </Button>
        </Group>

        {result !== null && (
          <Alert
            color="teal"
            variant="light"
            title={t("sent", { count: result.members.length })}
            aria-live="polite"
            data-testid="invite-result"
          >
            <Stack gap={6}>
              {result.members.map((m) => (
                <Group key={m.userID} gap="xs" data-user={m.userID}>
                  <Text size="sm" fw={600}>
                    {m.userID}
                  </Text>
                  <OutcomeBadge outcome={m.outcome} />
                </Group>
              ))}
            </Stack>
          </Alert>
        )}
      </Stack>
    </form>
  );
}
