// Every string the web phone shows or announces, in one place (a translation replaces this
// module). Functions take what varies, so word order stays the translation's business.

export const phoneStrings = {
  pageTitle: "Phone",
  signedInAs: (userID: string, deviceID: string | null) =>
    deviceID === null ? `Signed in as ${userID}` : `Signed in as ${userID} · device ${deviceID}`,
  unknownUser: "an unknown user",

  tokenFormTitle: "Connect with a user token",
  tokenFormHint:
    "Paste a user token minted by your app's server (or open this page from the console's “Open as” button).",
  tokenLabel: "User token",
  tokenRequired: "Enter a user token.",
  tokenNotAToken: "This does not look like a user token.",
  connect: "Connect",
  disconnect: "Sign out",

  status: {
    idle: "Offline",
    connecting: "Connecting…",
    connected: "Online",
    reconnecting: (seconds: number) => `Reconnecting in ${seconds} s…`,
    unauthenticated: "Token refused — connect again with a new one",
  },
  statusLabel: "Connection",

  incomingRegion: "Incoming calls",
  ringTitle: (invitedBy: string | null) =>
    invitedBy === null ? "Incoming call" : `${invitedBy} is calling`,
  ringCollaboration: (detail: string) => (detail === "" ? "No description" : detail),
  ringMedias: (medias: readonly number[]) =>
    medias.length === 0 ? "No media requested" : `Media: ${medias.join(", ")}`,
  ringTools: (count: number) => (count === 0 ? null : `${count} tool${count === 1 ? "" : "s"}`),
  ringRoles: (roles: readonly number[]) =>
    roles.length === 0 ? null : `Roles: ${roles.join(", ")}`,
  ringSession: (sessionID: string) => `Session ${sessionID}`,
  ringDeadline: (seconds: number) => `Rings for ${seconds} more s`,
  accept: "Accept",
  decline: "Decline",
  busy: "Busy",
  acceptLabel: (who: string) => `Accept the call from ${who}`,
  declineLabel: (who: string) => `Decline the call from ${who}`,
  busyLabel: (who: string) => `Report busy to ${who}`,
  noRings: "No incoming calls.",

  callsRegion: "Your calls",
  callTitle: (detail: string) => (detail === "" ? "Call" : detail),
  talking: "In the call",
  ringingState: "Ringing",
  membersLabel: "Members",
  memberState: (state: string) => memberStateNames[state] ?? state,
  leave: "Leave",
  leaveLabel: (detail: string) => `Leave the call ${detail}`,
  noCalls: "You are not in a call.",

  answeredElsewhere: "Answered on another device",
  answeredElsewhereDetail: (who: string | null, reason: string) =>
    `${who === null ? "The call" : `The call from ${who}`} was ${reasonNames[reason] ?? reason} on another device.`,
  ringEnded: (who: string | null, reason: string) =>
    `${who === null ? "A call" : `The call from ${who}`} ${ringEndNames[reason] ?? "ended"}.`,
  dismiss: "Dismiss",
  actionFailed: (message: string) => `That did not work: ${message}`,

  ringTone: "Ring tone",
  enableSound: "Enable ring tone",
  enableSoundHint: "Your browser blocks sound until you interact with the page.",
} as const;

const memberStateNames: Record<string, string> = {
  MEMBER_CALLING: "ringing",
  MEMBER_TALKING: "talking",
  MEMBER_LEFT: "left",
  MEMBER_TIMEOUT: "missed",
  MEMBER_BUSY: "busy",
  MEMBER_OFFLINE: "offline",
  MEMBER_KICKOUT: "removed",
  MEMBER_DECLINE: "declined",
  MEMBER_UNSPECIFIED: "not joined",
};

const reasonNames: Record<string, string> = {
  accepted: "accepted",
  declined: "declined",
  busy: "answered busy",
  offline: "reported offline",
};

const ringEndNames: Record<string, string> = {
  accepted: "was accepted",
  declined: "was declined",
  busy: "was answered busy",
  offline: "was reported offline",
  timed_out: "was missed",
  session_ended: "ended",
  cancelled: "was cancelled by the caller",
};
