"use client";
import {
  type ConnectionStatus,
  createUserClient,
  errorReason,
  readUserToken,
  type UserCall,
  type UserClient,
  type UserRingEvent,
} from "@collab/client";
import {
  Alert,
  Badge,
  Button,
  Card,
  CloseButton,
  Container,
  Group,
  Stack,
  Text,
  Textarea,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useLocale, useTranslations } from "next-intl";
import {
  type FormEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { useErrorText } from "@/console/error-text";
import type { ConsoleError } from "@/console/errors";
import { memberStateLook } from "@/console/labels";
import { LocaleSwitcher } from "@/ui/locale-switcher";
import { createRingTone, type RingTone } from "./ring-tone";

// The web phone: one device of one user on the user channel. The token comes from the URL's
// fragment (#token=…, never sent to the server nor kept in the history) or the form, and stays in
// this tab's sessionStorage so a reload reconnects. Its words come from the message catalogues
// ("phone", in the language the console uses: apps/web/README.md, "Languages"); what the page
// keeps in state is data, put into words when rendered, so switching the language re-words it.

const TOKEN_KEY = "collab.phone.token";

type PhoneT = ReturnType<typeof useTranslations<"phone">>;

type Notice =
  | {
      readonly id: number;
      readonly kind: "elsewhere" | "ended";
      readonly who: string | null;
      readonly reason: string;
    }
  | { readonly id: number; readonly kind: "error"; readonly error: ConsoleError };

/** A failed answer as the console's error texts take it: by its reason, never its wording. */
function phoneError(error: unknown): ConsoleError {
  const message = error instanceof Error ? error.message : String(error);
  // A tRPC error without the server's catalogue data: the server was not reached.
  const reason =
    errorReason(error) ??
    (error instanceof Error && error.name === "TRPCClientError" ? "UNAVAILABLE" : "INTERNAL");
  return { reason, message, field: null, code: null };
}

/** Times of day in the page's language and the viewer's time zone ("2:05 PM", "14:05"). */
function useClock(): (unixMs: number) => { text: string; iso: string } {
  const locale = useLocale();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(locale, { timeStyle: "short" });
    return (unixMs: number) => {
      const date = new Date(unixMs);
      return { text: format.format(date), iso: date.toISOString() };
    };
  }, [locale]);
}

function tokenFromFragment(): string | null {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get("token");
  if (token === null || token === "") return null;
  // Keep the token out of the address bar and the history.
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  return token;
}

function statusText(status: ConnectionStatus, t: PhoneT): string {
  switch (status.state) {
    case "idle":
      return t("status.idle");
    case "connecting":
      return t("status.connecting");
    case "connected":
      return t("status.connected");
    case "reconnecting":
      return t("status.reconnecting", { seconds: Math.ceil(status.delayMs / 1000) });
    case "unauthenticated":
      return t("status.unauthenticated");
  }
}

const STATUS_COLOR: Record<ConnectionStatus["state"], string> = {
  idle: "gray",
  connecting: "gray",
  connected: "teal",
  reconnecting: "orange",
  unauthenticated: "red",
};

function TokenForm({ onToken }: { onToken: (token: string) => void }) {
  const t = useTranslations("phone");
  const [value, setValue] = useState("");
  const [error, setError] = useState<"tokenRequired" | "tokenNotAToken" | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const token = value.trim();
    if (token === "") return setError("tokenRequired");
    if (readUserToken(token).userID === null) return setError("tokenNotAToken");
    onToken(token);
  };
  return (
    <Card
      withBorder
      radius="md"
      p="lg"
      component="form"
      onSubmit={submit}
      aria-labelledby="token-title"
    >
      <Stack>
        <Title order={2} size="h4" id="token-title">
          {t("tokenFormTitle")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("tokenFormHint")}
        </Text>
        <Textarea
          label={t("tokenLabel")}
          value={value}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            setError(null);
          }}
          error={error === null ? null : t(error)}
          autosize
          minRows={3}
          spellCheck={false}
          autoComplete="off"
          data-autofocus
        />
        <Group justify="flex-end">
          <Button type="submit">{t("connect")}</Button>
        </Group>
      </Stack>
    </Card>
  );
}

function RingCard({
  ring,
  receivedAt,
  onAnswer,
  busy,
}: {
  ring: UserRingEvent;
  receivedAt: number | undefined;
  onAnswer: (kind: "accept" | "decline" | "busy", ring: UserRingEvent) => void;
  busy: boolean;
}) {
  const t = useTranslations("phone");
  const clock = useClock();
  const who = ring.invitedBy ?? t("unknownUser");
  const { tools, roles, medias } = ring.member;
  const extras = [
    tools.length === 0 ? null : t("tools", { count: tools.length }),
    roles.length === 0 ? null : t("roles", { roles: roles.join(", ") }),
  ].filter((x) => x !== null);
  const rang = clock(ring.invitedAt);
  const until = ring.callingDeadline === null ? null : clock(ring.callingDeadline);
  const titleId = `ring-${ring.sessionID}`;
  return (
    <Card
      withBorder
      radius="md"
      p="lg"
      role="group"
      aria-labelledby={titleId}
      data-testid="ring"
      data-session={ring.sessionID}
      data-received-at={receivedAt}
    >
      <Stack gap="xs">
        <Title order={3} size="h3" id={titleId}>
          {ring.invitedBy === null ? t("ringTitleUnknown") : t("ringTitle", { who })}
        </Title>
        <Text fw={500}>{ring.detail === "" ? t("noDetail") : ring.detail}</Text>
        <Text size="sm" data-testid="ring-medias">
          {medias.length === 0 ? t("noMedias") : t("medias", { medias: medias.join(", ") })}
        </Text>
        {extras.length > 0 && <Text size="sm">{extras.join(" · ")}</Text>}
        <Text size="sm" data-testid="ring-time">
          <time dateTime={rang.iso}>{t("rangAt", { time: rang.text })}</time>
          {until !== null && (
            <>
              {" · "}
              <time dateTime={until.iso}>{t("ringsUntil", { time: until.text })}</time>
            </>
          )}
        </Text>
        <Text size="xs" c="dimmed">
          {t("ringSession", { session: ring.sessionID })}
        </Text>
        <Group mt="sm">
          <Button
            // teal 9: white on the theme's teal 8 is below the 4.5:1 WCAG AA asks of text.
            color="teal.9"
            onClick={() => onAnswer("accept", ring)}
            disabled={busy}
            aria-label={t("acceptLabel", { who })}
            autoFocus
          >
            {t("accept")}
          </Button>
          <Button
            color="red"
            variant="light"
            onClick={() => onAnswer("decline", ring)}
            disabled={busy}
            aria-label={t("declineLabel", { who })}
          >
            {t("decline")}
          </Button>
          <Button
            variant="default"
            onClick={() => onAnswer("busy", ring)}
            disabled={busy}
            aria-label={t("busyLabel", { who })}
          >
            {t("busy")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function CallCard({
  call,
  onLeave,
  busy,
}: {
  call: UserCall;
  onLeave: (call: UserCall) => void;
  busy: boolean;
}) {
  const t = useTranslations("phone");
  const tRoot = useTranslations();
  const clock = useClock();
  const since = clock(call.changedAt);
  const title = call.detail === "" ? t("callTitle") : call.detail;
  const titleId = `call-${call.sessionID}`;
  return (
    <Card
      withBorder
      radius="md"
      p="lg"
      role="group"
      aria-labelledby={titleId}
      data-testid="call"
      data-session={call.sessionID}
    >
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h4" id={titleId}>
            {title}
          </Title>
          <Badge color="teal" variant="light">
            {t("talking")}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed" data-testid="call-since">
          <time dateTime={since.iso}>{t("since", { time: since.text })}</time>
        </Text>
        <Text size="sm" fw={500}>
          {t("members")}
        </Text>
        <ul aria-label={t("members")} style={{ margin: 0, paddingInlineStart: "1.2em" }}>
          {call.members.map((m) => (
            <li key={m.userID}>
              <Text size="sm" span>
                {t("memberState", {
                  user: m.userID,
                  state: memberStateLook(m.memberSessionState, tRoot).label,
                })}
              </Text>
            </li>
          ))}
        </ul>
        <Group mt="sm">
          <Button
            color="red"
            onClick={() => onLeave(call)}
            disabled={busy}
            aria-label={t("leaveLabel", { detail: title })}
          >
            {t("leave")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function NoticeText({ notice }: { notice: Notice }) {
  const t = useTranslations("phone");
  const errorText = useErrorText();
  if (notice.kind === "error") {
    return t("actionFailed", { message: errorText.message(notice.error) });
  }
  const who = notice.who ?? t("someone");
  return notice.kind === "elsewhere"
    ? t("answeredElsewhereDetail", { who, reason: notice.reason })
    : t("ringEnded", { who, reason: notice.reason });
}

/** The phone's header: its title, who it is signed in as, and the language. */
function PhoneTitle({ children }: { children?: ReactNode }) {
  const t = useTranslations("phone");
  return (
    <Group justify="space-between" align="flex-start" wrap="nowrap">
      <Stack gap={4}>
        <Title order={1}>{t("title")}</Title>
        {children}
      </Stack>
      <LocaleSwitcher />
    </Group>
  );
}

function Phone({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const t = useTranslations("phone");
  const [client, setClient] = useState<UserClient | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>({ state: "idle" });
  const [rings, setRings] = useState<UserRingEvent[]>([]);
  const [calls, setCalls] = useState<UserCall[]>([]);
  const [notices, setNotices] = useState<Notice[]>([]);
  /** The latest ring, announced to assistive technology (null: nothing to announce). */
  const [announced, setAnnounced] = useState<UserRingEvent | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const [tonePlaying, setTonePlaying] = useState(false);
  /** When each ring reached this device (unix ms), by session: shown to tests as data. */
  const [receivedAt, setReceivedAt] = useState<Record<string, number>>({});
  const tone = useRef<RingTone | null>(null);
  const noticeSeq = useRef(0);

  const notify = useCallback((notice: DistributiveOmit<Notice, "id">) => {
    noticeSeq.current += 1;
    const id = noticeSeq.current;
    setNotices((list) => [...list.slice(-4), { ...notice, id } as Notice]);
  }, []);

  useEffect(() => {
    const phone = createUserClient({ baseUrl: window.location.origin, token });
    tone.current = createRingTone();
    let refreshing = false;
    let again = false;
    const refreshCalls = async () => {
      if (refreshing) {
        again = true;
        return;
      }
      refreshing = true;
      try {
        do {
          again = false;
          const { current } = await phone.calls();
          setCalls(current.filter((c) => c.memberSessionState === "MEMBER_TALKING"));
        } while (again);
      } catch {
        // Shown again at the next event; the connection status tells what is wrong.
      } finally {
        refreshing = false;
      }
    };
    const offs = [
      phone.on("status", (s) => {
        setStatus(s);
        if (s.state === "connected") void refreshCalls();
      }),
      phone.on("event", () => {
        setRings(phone.rings());
        void refreshCalls();
      }),
      phone.on("ring", (ring) => {
        const at = Date.now();
        setReceivedAt((map) => ({ ...map, [ring.sessionID]: at }));
        setAnnounced(ring);
      }),
      phone.on("ringEnded", ({ event, ring, elsewhere }) => {
        setAnnounced((current) => (current?.sessionID === event.sessionID ? null : current));
        const who = ring?.invitedBy ?? null;
        if (elsewhere) notify({ kind: "elsewhere", who, reason: event.reason });
        else if (
          event.reason === "timed_out" ||
          event.reason === "session_ended" ||
          event.reason === "cancelled"
        ) {
          notify({ kind: "ended", who, reason: event.reason });
        }
      }),
    ];
    setClient(phone);
    phone.connect();
    return () => {
      for (const off of offs) off();
      phone.close();
      tone.current?.close();
      tone.current = null;
    };
  }, [token, notify]);

  const ringing = rings.length > 0;
  useEffect(() => {
    const ringTone = tone.current;
    if (ringTone === null) return;
    if (ringing) {
      ringTone.start();
      setSoundBlocked(!ringTone.allowed());
    } else {
      ringTone.stop();
      setSoundBlocked(false);
    }
    setTonePlaying(ringTone.playing());
  }, [ringing]);

  const act = async (
    kind: "accept" | "decline" | "busy" | "leave",
    call: UserRingEvent | UserCall,
  ) => {
    if (client === null) return;
    setPending(call.sessionID);
    try {
      await client[kind](call);
    } catch (error) {
      notify({ kind: "error", error: phoneError(error) });
    } finally {
      setPending(null);
      setRings(client.rings());
      const { current } = await client.calls().catch(() => ({ current: null }));
      if (current !== null)
        setCalls(current.filter((c) => c.memberSessionState === "MEMBER_TALKING"));
    }
  };

  const claims = readUserToken(token);
  const user = claims.userID ?? t("unknownUser");
  const device = client?.deviceID ?? claims.deviceID;
  const statusWords = statusText(status, t);
  return (
    <Stack
      gap="lg"
      data-testid="phone"
      data-ringing={ringing ? "true" : "false"}
      data-tone={tonePlaying ? "playing" : "silent"}
    >
      <PhoneTitle>
        <Text size="sm" c="dimmed" data-testid="identity">
          {device === null ? t("signedInAs", { user }) : t("signedInAsDevice", { user, device })}
        </Text>
        <Group gap="xs">
          <Badge
            color={STATUS_COLOR[status.state]}
            variant="light"
            role="status"
            aria-label={t("statusLabel", { status: statusWords })}
            data-testid="connection"
            data-state={status.state}
          >
            {statusWords}
          </Badge>
          <Button variant="subtle" size="xs" onClick={onSignOut}>
            {t("disconnect")}
          </Button>
        </Group>
      </PhoneTitle>

      {/* An incoming ring is announced at once (the card's Accept button also takes the focus);
          the region is always there, so screen readers notice what is put into it. */}
      <VisuallyHidden aria-live="assertive" aria-atomic="true" data-testid="ring-announcement">
        {announced === null
          ? ""
          : t("announce", {
              who: announced.invitedBy ?? t("unknownUser"),
              detail: announced.detail === "" ? t("noDetail") : announced.detail,
            })}
      </VisuallyHidden>

      <div aria-live="polite" aria-atomic="false">
        <Stack gap="xs">
          {notices.map((n) => (
            <Alert
              key={n.id}
              color={n.kind === "error" ? "red" : n.kind === "elsewhere" ? "blue" : "gray"}
              title={n.kind === "elsewhere" ? t("answeredElsewhere") : undefined}
              data-testid={`notice-${n.kind}`}
              withCloseButton={false}
            >
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Text size="sm">
                  <NoticeText notice={n} />
                </Text>
                <CloseButton
                  aria-label={t("dismiss")}
                  onClick={() => setNotices((list) => list.filter((x) => x.id !== n.id))}
                />
              </Group>
            </Alert>
          ))}
        </Stack>
      </div>

      <section aria-labelledby="incoming-title">
        <Stack gap="sm">
          <Title order={2} size="h4" id="incoming-title">
            {t("incoming")}
          </Title>
          {soundBlocked && (
            <Alert color="yellow" title={t("ringTone")}>
              <Group justify="space-between">
                <Text size="sm">{t("enableSoundHint")}</Text>
                <Button
                  size="xs"
                  onClick={async () => {
                    await tone.current?.unlock();
                    setSoundBlocked(!(tone.current?.allowed() ?? true));
                  }}
                >
                  {t("enableSound")}
                </Button>
              </Group>
            </Alert>
          )}
          {rings.map((ring) => (
            <RingCard
              key={`${ring.sessionID}:${ring.invitedAt}`}
              ring={ring}
              receivedAt={receivedAt[ring.sessionID]}
              busy={pending === ring.sessionID}
              onAnswer={(kind, r) => void act(kind, r)}
            />
          ))}
          {!ringing && (
            <Text size="sm" c="dimmed">
              {t("noRings")}
            </Text>
          )}
        </Stack>
      </section>

      <section aria-labelledby="calls-title">
        <Stack gap="sm">
          <Title order={2} size="h4" id="calls-title">
            {t("calls")}
          </Title>
          {calls.map((call) => (
            <CallCard
              key={call.sessionID}
              call={call}
              busy={pending === call.sessionID}
              onLeave={(c) => void act("leave", c)}
            />
          ))}
          {calls.length === 0 && (
            <Text size="sm" c="dimmed">
              {t("noCalls")}
            </Text>
          )}
        </Stack>
      </section>
    </Stack>
  );
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function PhonePage() {
  // undefined: not read yet (the first render is the server's, which has no fragment).
  const [token, setToken] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    const fromUrl = tokenFromFragment();
    if (fromUrl !== null) sessionStorage.setItem(TOKEN_KEY, fromUrl);
    setToken(fromUrl ?? sessionStorage.getItem(TOKEN_KEY));
  }, []);
  return (
    <Container size="sm" py="xl">
      {token === undefined ? null : token === null ? (
        <Stack gap="lg">
          <PhoneTitle />
          <TokenForm
            onToken={(value) => {
              sessionStorage.setItem(TOKEN_KEY, value);
              setToken(value);
            }}
          />
        </Stack>
      ) : (
        <Phone
          token={token}
          onSignOut={() => {
            sessionStorage.removeItem(TOKEN_KEY);
            setToken(null);
          }}
        />
      )}
    </Container>
  );
}
