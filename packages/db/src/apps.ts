import type { App, PrismaClient } from "./generated/prisma/client";
import { newAppId, newSecret } from "./ids";

export interface CreateAppInput {
  name: string;
  webhookUrl?: string | null;
}

/** An app as created, with its secret: show the secret to the operator once, then drop it. */
export type CreatedApp = App;

export class InvalidAppInputError extends Error {
  override readonly name = "InvalidAppInputError";
}

export function normaliseAppInput(input: CreateAppInput): {
  name: string;
  webhookUrl: string | null;
} {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) {
    throw new InvalidAppInputError("The app name must be 1 to 200 characters.");
  }
  const webhookUrl = input.webhookUrl?.trim() || null;
  if (webhookUrl !== null) {
    let parsed: URL;
    try {
      parsed = new URL(webhookUrl);
    } catch {
      throw new InvalidAppInputError(`The webhook URL is not a URL: ${webhookUrl}`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new InvalidAppInputError("The webhook URL must be http(s).");
    }
  }
  return { name, webhookUrl };
}

/** Registers a tenant with a fresh APPID and secret. */
export async function createApp(prisma: PrismaClient, input: CreateAppInput): Promise<CreatedApp> {
  const { name, webhookUrl } = normaliseAppInput(input);
  return prisma.app.create({ data: { id: newAppId(), name, secret: newSecret(), webhookUrl } });
}
