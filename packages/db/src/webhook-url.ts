import { InvalidAppInputError } from "./apps";

/** Longest webhook URL accepted (a URL, not a payload). */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * A webhook URL as stored: trimmed, an absolute http(s) URL without credentials, at most 2048
 * characters; "" or null clears it (null). Throws InvalidAppInputError otherwise.
 */
export function normaliseWebhookUrl(input: string | null | undefined): string | null {
  const url = input?.trim() ?? "";
  if (url === "") return null;
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new InvalidAppInputError(
      `The webhook URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidAppInputError(`The webhook URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new InvalidAppInputError("The webhook URL must be http(s).");
  }
  // Credentials in the URL would be logged with every attempt; the HiAR signature authenticates.
  if (parsed.username !== "" || parsed.password !== "") {
    throw new InvalidAppInputError("The webhook URL must not contain credentials.");
  }
  return url;
}
