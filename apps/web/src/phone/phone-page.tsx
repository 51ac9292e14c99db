"use client";
import {
  type ConnectionStatus,
  createUserClient,
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
} from "@mantine/core";
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { createRingTone, type RingTone } from "./ring-tone";
import { phoneStrings as t } from "./strings";

// The web phone: one device of one user on the user channel. The token comes from the URL's
// fragment (#token=…, never sent to the server nor kept in the history) or the form, and stays in
// this tab's sessionStorage so a reload reconnects.

const TOKEN_KEY = "collab.phone.token";

interface Notice {
  readonly id: number;
  readonly kind: "elsewhere" | "ended" | "error";
  readonly text: string;
}

function tokenFromFragment(): string | null {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get("token");
  if (token === null || token === "") return null;
  // Keep the token out of the address bar and the history.
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  return token;
}

function statusText(status: ConnectionStatus): string {
  switch (status.state) {
    case "idle":
      return t.status.idle;
    case "connecting":
      return t.status.connecting;
    case "connected":
      return t.status.connected;
    case "reconnecting":
      return t.status.reconnecting(Math.ceil(status.delayMs / 1000));
    case "unauthenticated":
      return t.status.unauthenticated;
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
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const token = value.trim();
    if (token === "") return setError(t.tokenRequired);
    if (readUserToken(token).userID === null) return setError(t.tokenNotAToken);
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
          {t.tokenFormTitle}
        </Title>
        <Text size="sm" c="dimmed">
          {t.tokenFormHint}
        </Text>
        <Textarea
          label={t.tokenLabel}
          value={value}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            setError(null);
          }}
          error={error}
          autosize
          minRows={3}
          spellCheck={false}
          autoComplete="off"
          data-autofocus
        />
        <Group justify="flex-end">
          <Button type="submit">{t.connect}</Button>
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
  const who = ring.invitedBy ?? t.unknownUser;
  const extras = [t.ringTools(ring.member.tools.length), t.ringRoles(ring.member.roles)].filter(
    (x) => x !== null,
  );
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
          {t.ringTitle(ring.invitedBy)}
        </Title>
        <Text fw={500}>{t.ringCollaboration(ring.detail)}</Text>
        <Text size="sm" data-testid="ring-medias">
          {t.ringMedias(ring.member.medias)}
        </Text>
        {extras.length > 0 && <Text size="sm">{extras.join(" · ")}</Text>}
        <Text size="xs" c="dimmed">
          {t.ringSession(ring.sessionID)}
        </Text>
        <Group mt="sm">
          <Button
            color="teal"
            onClick={() => onAnswer("accept", ring)}
            disabled={busy}
            aria-label={t.acceptLabel(who)}
            autoFocus
          >
            {t.accept}
          </Button>
          <Button
            color="red"
            variant="light"
            onClick={() => onAnswer("decline", ring)}
            disabled={busy}
            aria-label={t.declineLabel(who)}
          >
            {t.decline}
          </Button>
          <Button
            variant="default"
            onClick={() => onAnswer("busy", ring)}
            disabled={busy}
            aria-label={t.busyLabel(who)}
          >
            {t.busy}
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
            {t.callTitle(call.detail)}
          </Title>
          <Badge color="teal" variant="light">
            {t.talking}
          </Badge>
        </Group>
        <Text size="sm" fw={500}>
          {t.membersLabel}
        </Text>
        <ul aria-label={t.membersLabel} style={{ margin: 0, paddingInlineStart: "1.2em" }}>
          {call.members.map((m) => (
            <li key={m.userID}>
              <Text size="sm" span>
                {m.userID}: {t.memberState(m.memberSessionState)}
              </Text>
            </li>
          ))}
        </ul>
        <Group mt="sm">
          <Button
            color="red"
            onClick={() => onLeave(call)}
            disabled={busy}
            aria-label={t.leaveLabel(call.detail)}
          >
            {t.leave}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function Phone({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const [client, setClient] = useState<UserClient | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>({ state: "idle" });
  const [rings, setRings] = useState<UserRingEvent[]>([]);
  const [calls, setCalls] = useState<UserCall[]>([]);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [pending, setPending] = useState<string | null>(null);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const [tonePlaying, setTonePlaying] = useState(false);
  /** When each ring reached this device (unix ms), by session: shown to tests as data. */
  const [receivedAt, setReceivedAt] = useState<Record<string, number>>({});
  const tone = useRef<RingTone | null>(null);
  const noticeSeq = useRef(0);

  const notify = useCallback((kind: Notice["kind"], text: string) => {
    noticeSeq.current += 1;
    const id = noticeSeq.current;
    setNotices((list) => [...list.slice(-4), { id, kind, text }]);
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
      }),
      phone.on("ringEnded", ({ event, ring, elsewhere }) => {
        const who = ring?.invitedBy ?? null;
        if (elsewhere) notify("elsewhere", t.answeredElsewhereDetail(who, event.reason));
        else if (
          event.reason === "timed_out" ||
          event.reason === "session_ended" ||
          event.reason === "cancelled"
        ) {
          notify("ended", t.ringEnded(who, event.reason));
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
      notify("error", t.actionFailed(error instanceof Error ? error.message : String(error)));
    } finally {
      setPending(null);
      setRings(client.rings());
      const { current } = await client.calls().catch(() => ({ current: null }));
      if (current !== null)
        setCalls(current.filter((c) => c.memberSessionState === "MEMBER_TALKING"));
    }
  };

  const claims = readUserToken(token);
  return (
    <Stack
      gap="lg"
      data-testid="phone"
      data-ringing={ringing ? "true" : "false"}
      data-tone={tonePlaying ? "playing" : "silent"}
    >
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1}>{t.pageTitle}</Title>
          <Text size="sm" c="dimmed" data-testid="identity">
            {t.signedInAs(claims.userID ?? t.unknownUser, client?.deviceID ?? claims.deviceID)}
          </Text>
        </Stack>
        <Group gap="xs">
          <Badge
            color={STATUS_COLOR[status.state]}
            variant="light"
            role="status"
            aria-label={`${t.statusLabel}: ${statusText(status)}`}
            data-testid="connection"
            data-state={status.state}
          >
            {statusText(status)}
          </Badge>
          <Button variant="subtle" size="xs" onClick={onSignOut}>
            {t.disconnect}
          </Button>
        </Group>
      </Group>

      <div aria-live="polite" aria-atomic="false">
        <Stack gap="xs">
          {notices.map((n) => (
            <Alert
              key={n.id}
              color={n.kind === "error" ? "red" : n.kind === "elsewhere" ? "blue" : "gray"}
              title={n.kind === "elsewhere" ? t.answeredElsewhere : undefined}
              data-testid={`notice-${n.kind}`}
              withCloseButton={false}
            >
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Text size="sm">{n.text}</Text>
                <CloseButton
                  aria-label={t.dismiss}
                  onClick={() => setNotices((list) => list.filter((x) => x.id !== n.id))}
                />
              </Group>
            </Alert>
          ))}
        </Stack>
      </div>

      <section aria-label={t.incomingRegion}>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t.incomingRegion}
          </Title>
          {soundBlocked && (
            <Alert color="yellow" title={t.ringTone}>
              <Group justify="space-between">
                <Text size="sm">{t.enableSoundHint}</Text>
                <Button
                  size="xs"
                  onClick={async () => {
                    await tone.current?.unlock();
                    setSoundBlocked(!(tone.current?.allowed() ?? true));
                  }}
                >
                  {t.enableSound}
                </Button>
              </Group>
            </Alert>
          )}
          <div role="alert" aria-live="assertive">
            <Stack gap="sm">
              {rings.map((ring) => (
                <RingCard
                  key={`${ring.sessionID}:${ring.invitedAt}`}
                  ring={ring}
                  receivedAt={receivedAt[ring.sessionID]}
                  busy={pending === ring.sessionID}
                  onAnswer={(kind, r) => void act(kind, r)}
                />
              ))}
            </Stack>
          </div>
          {!ringing && (
            <Text size="sm" c="dimmed">
              {t.noRings}
            </Text>
          )}
        </Stack>
      </section>

      <section aria-label={t.callsRegion}>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t.callsRegion}
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
              {t.noCalls}
            </Text>
          )}
        </Stack>
      </section>
    </Stack>
  );
}

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
          <Title order={1}>{t.pageTitle}</Title>
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
