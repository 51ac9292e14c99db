import type {
  CollaborationStateName,
  InviteOutcome,
  MemberSessionStateName,
  SessionEventView,
  SessionStateName,
} from "@collab/contracts";

// How the console names and colours HiAR's states (wire names stay visible in tooltips).

export interface StateLook {
  readonly label: string;
  /** A Mantine theme colour. */
  readonly color: string;
  readonly hint: string;
}

export const MEMBER_STATE_LOOK: Readonly<Record<MemberSessionStateName, StateLook>> = {
  MEMBER_UNSPECIFIED: { label: "Not rung", color: "gray", hint: "In the session, never rung" },
  MEMBER_CALLING: { label: "Ringing", color: "blue", hint: "Being called, not answered yet" },
  MEMBER_TALKING: { label: "Talking", color: "teal", hint: "Answered and in the call" },
  MEMBER_LEFT: { label: "Left", color: "gray", hint: "Left the call" },
  MEMBER_TIMEOUT: { label: "No answer", color: "orange", hint: "Did not answer in time" },
  MEMBER_BUSY: { label: "Busy", color: "yellow", hint: "Was busy" },
  MEMBER_OFFLINE: { label: "Offline", color: "dark", hint: "Could not be reached" },
  MEMBER_KICKOUT: { label: "Removed", color: "red", hint: "Kicked out of the session" },
  MEMBER_DECLINE: { label: "Declined", color: "pink", hint: "Declined the call" },
};

export const SESSION_STATE_LOOK: Readonly<Record<SessionStateName, StateLook>> = {
  SESSION_UNSPECIFIED: { label: "Unspecified", color: "gray", hint: "No session state" },
  SESSION_SCHEDULE: { label: "Scheduled", color: "indigo", hint: "Created, not started" },
  SESSION_START: { label: "In progress", color: "teal", hint: "The call is running" },
  SESSION_END: { label: "Ended", color: "gray", hint: "The call has ended" },
};

export const COLLABORATION_STATE_LOOK: Readonly<Record<CollaborationStateName, StateLook>> = {
  COLLABORATION_UNSPECIFIED: { label: "Unspecified", color: "gray", hint: "No state" },
  COLLABORATION_START: { label: "Open", color: "teal", hint: "Open for sessions and invites" },
  COLLABORATION_END: { label: "Closed", color: "gray", hint: "Ended" },
};

export const OUTCOME_LOOK: Readonly<Record<InviteOutcome, StateLook>> = {
  added: { label: "Added", color: "teal", hint: "New to the session, now ringing" },
  rung_again: { label: "Rung again", color: "blue", hint: "Was in the session, now ringing" },
  unchanged: { label: "Unchanged", color: "gray", hint: "Already ringing or talking" },
};

/** A member state's look; an unknown name (a newer server) still renders. */
export function memberStateLook(state: string): StateLook {
  return (
    MEMBER_STATE_LOOK[state as MemberSessionStateName] ?? {
      label: state,
      color: "gray",
      hint: state,
    }
  );
}

/** One sentence for a timeline entry: who did what to whom. */
export function describeEvent(event: SessionEventView): string {
  const actor = event.actorID ?? "The server";
  const subject = event.subjectID ?? "someone";
  switch (event.type) {
    case "session.created":
      return `${actor} created the session`;
    case "member.added":
      return `${actor} added ${subject}`;
    case "member.invited":
      return `${actor} invited ${subject}`;
    case "member.rung_again":
      return `${actor} rang ${subject} again`;
    default: {
      // Types this console does not know yet (e.g. answers, timeouts): say what state it led to.
      if (event.subjectID !== null && event.toState !== null) {
        const by =
          event.actorID === null || event.actorID === event.subjectID
            ? ""
            : ` (by ${event.actorID})`;
        return `${event.subjectID}: ${memberStateLook(event.toState).label}${by}`;
      }
      return `${event.actorID ?? "Server"}: ${event.type}`;
    }
  }
}

const dateTime = new Map<string, Intl.DateTimeFormat>();

function formatter(style: "short" | "long"): Intl.DateTimeFormat {
  let f = dateTime.get(style);
  if (f === undefined) {
    // No locale or timeZone given: the viewer's own.
    f =
      style === "long"
        ? new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" })
        : new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
    dateTime.set(style, f);
  }
  return f;
}

/** An ISO instant in the viewer's locale and time zone. */
export function formatTime(iso: string, style: "short" | "long" = "short"): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatter(style).format(date);
}

/** The viewer's IANA time zone ("Europe/Berlin"). */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "abc123…f9e1": long ids stay recognisable in narrow columns. */
export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

/**
 * Parses a list of integers typed as "1, 2 3" (roles). Null when a part is not an int32, so the
 * form can say so before sending.
 */
export function parseIntList(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter((p) => p !== "");
  const values: number[] = [];
  for (const part of parts) {
    if (!/^-?\d{1,10}$/.test(part)) return null;
    const n = Number(part);
    if (n < -2147483648 || n > 2147483647) return null;
    values.push(n);
  }
  return values;
}
