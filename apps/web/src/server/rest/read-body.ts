import { HiarError, LIMITS } from "@collab/contracts";

/**
 * Reads the raw body, refusing more than LIMITS.maxBodyBytes without buffering it: a declared
 * Content-Length over the cap is refused before reading, and a chunked body is cut off as soon
 * as it passes the cap.
 */
export async function readBodyCapped(request: Request): Promise<Uint8Array> {
  const limit = LIMITS.maxBodyBytes;
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (request.body === null) return new Uint8Array();

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number): HiarError {
  return new HiarError("PAYLOAD_TOO_LARGE", `request body must be at most ${limit} bytes`);
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** HiAR bodies are JSON; anything else (or no Content-Type) is refused with 415. */
export function assertJsonContentType(request: Request): void {
  const mediaType = request.headers.get("content-type")?.split(";", 1)[0]?.trim() ?? "";
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new HiarError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  }
}

/** Parses the body as JSON; malformed JSON (or invalid UTF-8) is INVALID_PARAM. */
export function parseJsonBody(raw: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new HiarError("INVALID_PARAM", "request body: is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HiarError("INVALID_PARAM", "request body: is not valid JSON");
  }
}
