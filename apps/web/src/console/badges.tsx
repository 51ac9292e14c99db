"use client";
import type { CollaborationStateName, InviteOutcome, SessionStateName } from "@collab/contracts";
import { Badge, Tooltip } from "@mantine/core";
import classes from "./console.module.css";
import {
  COLLABORATION_STATE_LOOK,
  memberStateLook,
  OUTCOME_LOOK,
  SESSION_STATE_LOOK,
  type StateLook,
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
  return (
    <Tooltip label={`${look.hint} (${wireName})`} openDelay={300} withinPortal>
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
  return (
    <StateBadge look={memberStateLook(state)} wireName={state} pulse={state === "MEMBER_CALLING"} />
  );
}

export function SessionStateBadge({ state }: { state: SessionStateName }) {
  return <StateBadge look={SESSION_STATE_LOOK[state]} wireName={state} />;
}

export function CollaborationStateBadge({ state }: { state: CollaborationStateName }) {
  return <StateBadge look={COLLABORATION_STATE_LOOK[state]} wireName={state} />;
}

export function OutcomeBadge({ outcome }: { outcome: InviteOutcome }) {
  const look = OUTCOME_LOOK[outcome];
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
