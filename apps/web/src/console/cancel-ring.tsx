"use client";
import { MAX_REASON_LENGTH } from "@collab/contracts";
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useErrorText } from "./error-text";
import { consoleErrorOf } from "./errors";
import { useTRPC } from "./trpc";

/**
 * "Cancel ring" for a ringing member: after a confirmation, session.cancel stops the ring on
 * behalf of the member's inviter (who may always withdraw their own ring; docs/state-machine.md),
 * with an optional reason recorded on the event. The member becomes Left; the live timeline then
 * refreshes the page.
 */
export function CancelRing({
  collaborationID,
  sessionID,
  userID,
  invitedBy,
}: {
  collaborationID: string;
  sessionID: string;
  userID: string;
  invitedBy: string;
}) {
  const trpc = useTRPC();
  const t = useTranslations("cancelRing");
  const tc = useTranslations("common");
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [confirming, confirm] = useDisclosure(false);
  const [reason, setReason] = useState("");
  const cancel = useMutation(
    trpc.session.cancel.mutationOptions({
      onSuccess: () => {
        confirm.close();
        setReason("");
        void queryClient.invalidateQueries({
          queryKey: trpc.session.get.queryKey({ sessionID }),
        });
      },
    }),
  );
  const error = cancel.error ? consoleErrorOf(cancel.error) : null;
  const close = () => {
    confirm.close();
    cancel.reset();
  };
  return (
    <>
      <Button
        size="compact-xs"
        variant="light"
        color="red"
        onClick={confirm.open}
        aria-label={t("label", { user: userID })}
        data-testid="cancel-ring"
        data-user={userID}
      >
        {t("button")}
      </Button>
      <Modal
        opened={confirming}
        onClose={close}
        title={t("title", { user: userID })}
        centered
        closeButtonProps={{ "aria-label": tc("close") }}
      >
        <Stack gap="md">
          <Text size="sm">{t("text", { user: userID, inviter: invitedBy })}</Text>
          <TextInput
            label={t("reason")}
            description={t("reasonHint")}
            placeholder="no_answer"
            maxLength={MAX_REASON_LENGTH}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            data-testid="cancel-reason"
          />
          {error !== null && (
            <Alert color="red" variant="light" title={error.reason} role="alert">
              {errorText.message(error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {t("keep")}
            </Button>
            <Button
              color="red"
              loading={cancel.isPending}
              onClick={() =>
                cancel.mutate({
                  collaborationID,
                  sessionID,
                  userID: invitedBy,
                  members: [userID],
                  reason: reason.trim(),
                })
              }
              data-autofocus
              data-testid="confirm-cancel-ring"
            >
              {t("confirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
