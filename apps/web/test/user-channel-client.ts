import type { UserChannelEvent } from "@collab/contracts";

// A user channel subscription (user.onEvent) read the way a device would: tRPC's SSE over one
// GET with the user token, each event's id kept, the connection droppable and resumable with the
// last id (as tRPC's client does on reconnect).

export interface ChannelMessage {
  readonly id: string | null;
  readonly event: UserChannelEvent;
}

export interface OpenChannel {
  /** Tracked events received so far, in order. */
  readonly messages: ChannelMessage[];
  /** Raw SSE text received (errors, pings, …). */
  readonly raw: () => string;
  readonly status: number;
  /** Waits until a received event matches (default 15 s), and returns it; a miss lists what came. */
  waitFor(
    predicate: (event: UserChannelEvent) => boolean,
    timeoutMs?: number,
  ): Promise<ChannelMessage>;
  /** The id of the last event received (what tRPC sends as lastEventId). */
  lastId(): string | null;
  /** Drops the connection. */
  close(): void;
  readonly closed: Promise<void>;
}

export async function openChannel(
  baseUrl: string,
  token: string,
  lastEventId?: string | null,
  /** Where the token goes: the Authorization header, or (as a browser's EventSource must) tRPC's connection parameters in the URL. */
  tokenIn: "header" | "connectionParams" = "header",
): Promise<OpenChannel> {
  const input = encodeURIComponent(JSON.stringify(lastEventId ? { lastEventId } : {}));
  const params =
    tokenIn === "header"
      ? ""
      : `&connectionParams=${encodeURIComponent(JSON.stringify({ token }))}`;
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/trpc/user.onEvent?input=${input}${params}`, {
    headers: {
      accept: "text/event-stream",
      ...(tokenIn === "header" ? { authorization: `Bearer ${token}` } : {}),
    },
    signal: controller.signal,
  });
  const messages: ChannelMessage[] = [];
  let raw = "";
  let buffer = "";
  const closed = (async () => {
    if (response.body === null) return;
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        raw += text;
        buffer += text;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          let id: string | null = null;
          let type = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("id:")) id = line.slice(3).trim();
            else if (line.startsWith("event:")) type = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
          }
          if (type === "message" && data.length > 0) {
            messages.push({ id, event: JSON.parse(data.join("\n")) as UserChannelEvent });
          }
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    messages,
    raw: () => raw,
    status: response.status,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => predicate(m.event));
        if (found !== undefined) return found;
        if (Date.now() >= deadline) {
          // What did arrive says whether the event was late, lost or the stream ended.
          const seen = messages.map(({ id, event }) => {
            const who = "userID" in event ? ` ${event.userID}` : "";
            const state = "memberSessionState" in event ? ` ${event.memberSessionState}` : "";
            return `${id} ${event.kind}${who}${state}`;
          });
          throw new Error(
            `no matching event within ${timeoutMs} ms; received: [${seen.join(", ")}]; ` +
              `last raw: ${JSON.stringify(raw.slice(-400))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    lastId: () => messages.at(-1)?.id ?? null,
    close: () => controller.abort(),
    closed,
  };
}
