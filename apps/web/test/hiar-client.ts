import { signRequestHeaders } from "@collab/hiar-auth";
import type { TestServer } from "./server";

export interface Credentials {
  readonly id: string;
  readonly secret: string;
}

export interface HiarResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** The body exactly as received. */
  readonly text: string;
  /** The HiAR headers that were sent (to prove they never reach a log). */
  readonly sentHeaders: Readonly<Record<string, string>>;
}

export interface PostOptions {
  /** Headers to add or override after signing (e.g. to break the signature). */
  headers?: Record<string, string>;
  /** Send this raw body instead of JSON.stringify(body). */
  rawBody?: string;
  /** Skip the HiAR headers entirely. */
  unsigned?: boolean;
  /** Sign as if at this time. */
  now?: Date;
  nonce?: string;
}

/** A third-party server's signed POST, as HiAR clients send it. */
export async function hiarPost(
  server: Pick<TestServer, "baseUrl">,
  app: Credentials,
  path: string,
  body: unknown,
  options: PostOptions = {},
): Promise<HiarResponse> {
  const url = new URL(path, server.baseUrl);
  const signed: Record<string, string> = options.unsigned
    ? {}
    : signRequestHeaders({
        appId: app.id,
        secret: app.secret,
        method: "POST",
        url,
        ...(options.now ? { now: options.now } : {}),
        ...(options.nonce ? { nonce: options.nonce } : {}),
      });
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...signed, ...options.headers },
    body: options.rawBody ?? JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return {
    status: response.status,
    headers: response.headers,
    body: parsed,
    text,
    sentHeaders: signed,
  };
}
