import type { IncomingMessage } from "node:http";
import { HiarError, LIMITS } from "@collab/contracts";

// Reading and parsing a REST body, only after its request has been authenticated: the 1 MiB cap
// without buffering more, JSON only, UTF-8, and a JSON parse whose cost is bounded by a linear
// pre-scan of the bytes (nesting depth, number of values) before JSON.parse runs.

/**
 * What every HiAR body a client sends in practice fits with room to spare: the deepest is
 * /create's `ruleSettings.mediaControl.mutex[].medias[]` (6 levels); a 100-member invite may give
 * each member about 95 values (fields plus `medias`/`tools`/`roles` entries), a 500-member
 * /create about 19 (e.g. 14 roles each). Unknown fields count too: protojson ignores them, but
 * JSON.parse still builds them. Measured on this project's 2-CPU machine, the largest body within
 * these bounds costs about 4 ms to parse and validate; one outside them is refused after a scan
 * of at most 1 MiB (well under 1 ms).
 */
export const JSON_BOUNDS = Object.freeze({
  /** Objects and arrays nested inside each other, the outermost counting as 1. */
  maxDepth: 16,
  /** Object members plus array elements in the whole body. */
  maxValues: 10_000,
});

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** HiAR bodies are JSON; anything else (or no Content-Type) is refused with 415. */
export function assertJsonContentType(request: IncomingMessage): void {
  const mediaType = request.headers["content-type"]?.split(";", 1)[0]?.trim() ?? "";
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new HiarError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  }
}

export function payloadTooLarge(limit = LIMITS.maxBodyBytes): HiarError {
  return new HiarError("PAYLOAD_TOO_LARGE", `request body must be at most ${limit} bytes`);
}

/** A declared Content-Length over `limit` (refused before a byte is read). */
export function declaresTooMuch(request: IncomingMessage, limit = LIMITS.maxBodyBytes): boolean {
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  return Number.isFinite(declared) && declared > limit;
}

/**
 * Reads the raw body, refusing more than LIMITS.maxBodyBytes without buffering it: a declared
 * Content-Length over the cap is refused before reading, and a chunked body is refused (and no
 * longer read) as soon as it passes the cap. A client that closes the connection mid-body gets
 * INVALID_PARAM (which it will not see).
 */
export function readBodyCapped(
  request: IncomingMessage,
  limit = LIMITS.maxBodyBytes,
): Promise<Buffer> {
  if (declaresTooMuch(request, limit)) return Promise.reject(payloadTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onClose);
      request.off("close", onClose);
      if (error) {
        request.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) done(payloadTooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onClose = () =>
      done(new HiarError("INVALID_PARAM", "request body: the connection closed before its end"));
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("error", onClose);
    request.once("close", onClose);
  });
}

/**
 * Refuses, in one pass over the bytes and before anything is decoded or parsed, a body nesting
 * objects/arrays deeper than JSON_BOUNDS.maxDepth or holding more than JSON_BOUNDS.maxValues
 * members and elements, so JSON.parse and the contract never see one. Brackets and commas are
 * counted outside strings only; UTF-8 continuation bytes never equal an ASCII delimiter. Malformed
 * JSON is left to JSON.parse.
 */
export function assertJsonWithinBounds(raw: Uint8Array, bounds = JSON_BOUNDS): void {
  let depth = 0;
  // Every value but the root follows a `[`, `{` or `,`: counting those bounds the values.
  let values = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === 0x5c /* \ */) i++;
      else if (byte === 0x22 /* " */) inString = false;
      continue;
    }
    switch (byte) {
      case 0x22:
        inString = true;
        break;
      case 0x5b /* [ */:
      case 0x7b /* { */:
        if (++depth > bounds.maxDepth) {
          throw new HiarError(
            "INVALID_PARAM",
            `request body: nests objects and arrays more than ${bounds.maxDepth} deep`,
          );
        }
        if (++values > bounds.maxValues) throw tooManyValues(bounds.maxValues);
        break;
      case 0x5d /* ] */:
      case 0x7d /* } */:
        // More closing than opening brackets: malformed, which JSON.parse reports.
        if (--depth < 0) return;
        break;
      case 0x2c /* , */:
        if (++values > bounds.maxValues) throw tooManyValues(bounds.maxValues);
        break;
    }
  }
}

function tooManyValues(max: number): HiarError {
  return new HiarError(
    "INVALID_PARAM",
    `request body: holds more than ${max} object members and array elements`,
  );
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses the body as JSON within JSON_BOUNDS; malformed JSON, invalid UTF-8 or a body out of
 * bounds is INVALID_PARAM naming the problem.
 */
export function parseJsonBody(raw: Uint8Array): unknown {
  assertJsonWithinBounds(raw);
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw new HiarError("INVALID_PARAM", "request body: is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HiarError("INVALID_PARAM", "request body: is not valid JSON");
  }
}
