"use client";
import type { CollaborationStateName, InviteOutcome, SessionStateName } from "@collab/contracts";
import { Badge, Tooltip } from "@mantine/core";
import { useTranslations } from "next-intl";
import classes from "./console.module.css";
import {
  collaborationStateLook,
  memberStateLook,
  outcomeLook,
  type StateLook,
  sessionStateLook,
} from "./labels";

function StateBadge({
  look,
  wireName,
  pulse = false,
  size = "md",
}: {
  look: StateLook;
  wireName: string;
  pulse?: boolean;
  size?: "sm" | "md" | "lg";
}) {
  const t = useTranslations("states");
  return (
    <Tooltip label={t("badge", { hint: look.hint, wireName })} openDelay={300} withinPortal>
      <Badge
        variant="light"
        color={look.color}
        size={size}
        radius="sm"
        tt="none"
        fw={600}
        className={classes.badge}
        leftSection={<span className={pulse ? `${classes.dot} ${classes.ringing}` : classes.dot} />}
        data-state={wireName}
      >
        {look.label}
      </Badge>
    </Tooltip>
  );
}

export function MemberStateBadge({ state }: { state: string }) {
  const t = useTranslations();
  return (
    <StateBadge
      look={memberStateLook(state, t)}
      wireName={state}
      pulse={state === "MEMBER_CALLING"}
    />
  );
}

export function SessionStateBadge({ state }: { state: SessionStateName }) {
  const t = useTranslations();
  return <StateBadge look={sessionStateLook(state, t)} wireName={state} />;
}

export function CollaborationStateBadge({ state }: { state: CollaborationStateName }) {
  const t = useTranslations();
  return <StateBadge look={collaborationStateLook(state, t)} wireName={state} />;
}

export function OutcomeBadge({ outcome }: { outcome: InviteOutcome }) {
  const t = useTranslations();
  const look = outcomeLook(outcome, t);
  return (
    <Badge
      variant="outline"
      color={look.color}
      radius="sm"
      tt="none"
      fw={600}
      className={classes.badge}
      title={look.hint}
    >
      {look.label}
    </Badge>
  );
}
