"use client";
import { MAX_CALLING_TIMEOUT_SECONDS } from "@collab/contracts";
import {
  Alert,
  Button,
  Group,
  Modal,
  NativeSelect,
  NumberInput,
  Stack,
  TagsInput,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { useErrorText } from "./error-text";
import { consoleErrorOf, formFieldFor } from "./errors";
import { useTRPC } from "./trpc";

// Which form field a server error's path belongs to.
const FIELDS = {
  userID: "creator",
  detail: "detail",
  "ruleSettings.numberLimit": "numberLimit",
  "ruleSettings.callingTimeout": "callingTimeout",
  members: "members",
} as const;

/**
 * The create form, in a modal: creator, detail, member limit, calling timeout, busy detection,
 * initial members.
 */
export function CreateCollaborationModal({
  opened,
  onClose,
}: {
  opened: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const t = useTranslations("create");
  const tc = useTranslations("common");
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [creator, setCreator] = useState("");
  const [detail, setDetail] = useState("");
  const [numberLimit, setNumberLimit] = useState<number | string>(0);
  // Empty = the deployment's default (sent as 0).
  const [callingTimeout, setCallingTimeout] = useState<number | string>("");
  // "" = the deployment's default (the field is not sent).
  const [busyDetection, setBusyDetection] = useState<"" | "on" | "off">("");
  const [members, setMembers] = useState<string[]>([]);
  const [pendingMember, setPendingMember] = useState("");

  const create = useMutation(
    trpc.collaboration.create.mutationOptions({
      onSuccess: async ({ sessionID }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.collaboration.list.queryKey() });
        router.push(`/console/sessions/${sessionID}`);
      },
    }),
  );
  const error = create.error ? consoleErrorOf(create.error) : null;
  const field = error ? formFieldFor(error.field, FIELDS) : null;
  const errorFor = (name: (typeof FIELDS)[keyof typeof FIELDS]) =>
    field === name && error ? errorText.describe(error) : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A userID typed but not yet confirmed with Enter still counts.
    const all = pendingMember.trim() ? [...members, pendingMember.trim()] : members;
    create.mutate({
      userID: creator.trim(),
      detail,
      members: all.map((userID) => ({ userID })),
      ruleSettings: {
        numberLimit: typeof numberLimit === "number" ? numberLimit : 0,
        callingTimeout: typeof callingTimeout === "number" ? callingTimeout : 0,
        ...(busyDetection === "" ? {} : { busyDetection: busyDetection === "on" }),
      },
    });
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t("title")}
      size="lg"
      centered
      closeButtonProps={{ "aria-label": tc("close") }}
    >
      <form onSubmit={submit}>
        <Stack gap="md">
          <TextInput
            label={t("creator")}
            description={t("creatorHint")}
            placeholder="user01"
            required
            data-autofocus
            value={creator}
            onChange={(e) => setCreator(e.currentTarget.value)}
            error={errorFor("creator")}
          />
          <Textarea
            label={t("detail")}
            description={t("detailHint")}
            placeholder={t("detailPlaceholder")}
            autosize
            minRows={2}
            maxRows={5}
            value={detail}
            onChange={(e) => setDetail(e.currentTarget.value)}
            error={errorFor("detail")}
          />
          <Group grow align="flex-start">
            <NumberInput
              label={t("numberLimit")}
              description={t("numberLimitHint")}
              min={0}
              max={500}
              allowDecimal={false}
              allowNegative={false}
              value={numberLimit}
              onChange={setNumberLimit}
              error={errorFor("numberLimit")}
            />
            <NumberInput
              label={t("callingTimeout")}
              description={t("callingTimeoutHint")}
              placeholder={t("callingTimeoutPlaceholder")}
              min={1}
              max={MAX_CALLING_TIMEOUT_SECONDS}
              allowDecimal={false}
              allowNegative={false}
              value={callingTimeout}
              onChange={setCallingTimeout}
              error={errorFor("callingTimeout")}
            />
          </Group>
          <NativeSelect
            label={t("busyDetection")}
            description={t("busyDetectionHint")}
            value={busyDetection}
            onChange={(e) => setBusyDetection(e.currentTarget.value as "" | "on" | "off")}
            data={[
              { value: "", label: t("busyDetectionDefault") },
              { value: "on", label: t("busyDetectionOn") },
              { value: "off", label: t("busyDetectionOff") },
            ]}
          />
          <TagsInput
            label={t("members")}
            description={t("membersHint")}
            placeholder="user02, user03"
            splitChars={[",", " "]}
            clearable
            value={members}
            onChange={setMembers}
            searchValue={pendingMember}
            onSearchChange={setPendingMember}
            error={errorFor("members")}
          />
          {error !== null && field === null && (
            <Alert color="red" variant="light" title={error.reason} role="alert">
              {errorText.message(error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
