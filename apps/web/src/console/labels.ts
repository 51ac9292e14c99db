import type {
  CollaborationStateName,
  InviteOutcome,
  MemberSessionStateName,
  SessionEventView,
  SessionStateName,
} from "@collab/contracts";
import type { useTranslations } from "next-intl";

// How the console names and colours HiAR's states (wire names stay visible in tooltips). The
// names come from the message catalogues (messages/<locale>.json, "states"); colours are here.

/** The console's translator at the catalogue's root (useTranslations() / getTranslations()). */
export type ConsoleT = ReturnType<typeof useTranslations<never>>;

export interface StateLook {
  readonly label: string;
  /** A Mantine theme colour. */
  readonly color: string;
  readonly hint: string;
}

export const MEMBER_STATE_COLOR: Readonly<Record<MemberSessionStateName, string>> = {
  MEMBER_UNSPECIFIED: "gray",
  MEMBER_CALLING: "blue",
  MEMBER_TALKING: "teal",
  MEMBER_LEFT: "gray",
  MEMBER_TIMEOUT: "orange",
  MEMBER_BUSY: "yellow",
  MEMBER_OFFLINE: "dark",
  MEMBER_KICKOUT: "red",
  MEMBER_DECLINE: "pink",
};

const SESSION_STATE_COLOR: Readonly<Record<SessionStateName, string>> = {
  SESSION_UNSPECIFIED: "gray",
  SESSION_SCHEDULE: "indigo",
  SESSION_START: "teal",
  SESSION_END: "gray",
};

const COLLABORATION_STATE_COLOR: Readonly<Record<CollaborationStateName, string>> = {
  COLLABORATION_UNSPECIFIED: "gray",
  COLLABORATION_START: "teal",
  COLLABORATION_END: "gray",
};

const OUTCOME_COLOR: Readonly<Record<InviteOutcome, string>> = {
  added: "teal",
  rung_again: "blue",
  unchanged: "gray",
  busy: "grape",
};

function isMemberState(state: string): state is MemberSessionStateName {
  return Object.hasOwn(MEMBER_STATE_COLOR, state);
}

/** A member state's look; an unknown name (a newer server) still renders, as its wire name. */
export function memberStateLook(state: string, t: ConsoleT): StateLook {
  if (!isMemberState(state)) return { label: state, color: "gray", hint: state };
  return {
    label: t(`states.member.${state}.label`),
    color: MEMBER_STATE_COLOR[state],
    hint: t(`states.member.${state}.hint`),
  };
}

export function sessionStateLook(state: SessionStateName, t: ConsoleT): StateLook {
  return {
    label: t(`states.session.${state}.label`),
    color: SESSION_STATE_COLOR[state],
    hint: t(`states.session.${state}.hint`),
  };
}

export function collaborationStateLook(state: CollaborationStateName, t: ConsoleT): StateLook {
  return {
    label: t(`states.collaboration.${state}.label`),
    color: COLLABORATION_STATE_COLOR[state],
    hint: t(`states.collaboration.${state}.hint`),
  };
}

export function outcomeLook(outcome: InviteOutcome, t: ConsoleT): StateLook {
  return {
    label: t(`states.outcome.${outcome}.label`),
    color: OUTCOME_COLOR[outcome],
    hint: t(`states.outcome.${outcome}.hint`),
  };
}

/** One sentence for a timeline entry: who did what to whom. */
export function describeEvent(event: SessionEventView, t: ConsoleT): string {
  const actor = event.actorID ?? t("events.server");
  const subject = event.subjectID ?? t("events.someone");
  switch (event.type) {
    case "session.created":
      return t("events.created", { actor });
    case "member.added":
      return t("events.added", { actor, subject });
    case "member.invited":
      return t("events.invited", { actor, subject });
    case "member.rung_again":
      return t("events.rungAgain", { actor, subject });
    case "member.cancelled":
      return t("events.cancelled", { actor, subject });
    default: {
      // Types this console does not know yet (e.g. answers, timeouts): say what state it led to.
      if (event.subjectID !== null && event.toState !== null) {
        const state = memberStateLook(event.toState, t).label;
        return event.actorID === null || event.actorID === event.subjectID
          ? t("events.changed", { subject: event.subjectID, state })
          : t("events.changedBy", { subject: event.subjectID, state, actor: event.actorID });
      }
      return t("events.other", { actor, type: event.type });
    }
  }
}

const dateTime = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string | undefined, style: "short" | "long"): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${style}`;
  let f = dateTime.get(key);
  if (f === undefined) {
    // No timeZone given: the viewer's own.
    f = new Intl.DateTimeFormat(locale, {
      dateStyle: "medium",
      timeStyle: style === "long" ? "medium" : "short",
    });
    dateTime.set(key, f);
  }
  return f;
}

/** An ISO instant in the given locale (else the viewer's) and the viewer's time zone. */
export function formatTime(
  iso: string,
  style: "short" | "long" = "short",
  locale?: string,
): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatter(locale, style).format(date);
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
