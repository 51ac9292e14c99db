import type { App, PrismaClient } from "./generated/prisma/client";
import { newAppId, newSecret } from "./ids";
import { normaliseWebhookUrl } from "./webhook-url";

export interface CreateAppInput {
  name: string;
  webhookUrl?: string | null;
  /** Accept a webhook URL on a private network (WEBHOOK_ALLOW_PRIVATE_NETWORKS; default false). */
  allowPrivateNetworks?: boolean;
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
  // The same rules as setting it later (pnpm app:webhook, the console): one place decides.
  const webhookUrl = normaliseWebhookUrl(input.webhookUrl, {
    allowPrivateNetworks: input.allowPrivateNetworks === true,
  });
  return { name, webhookUrl };
}

/** Registers a tenant with a fresh APPID and secret. */
export async function createApp(prisma: PrismaClient, input: CreateAppInput): Promise<CreatedApp> {
  const { name, webhookUrl } = normaliseAppInput(input);
  return prisma.app.create({ data: { id: newAppId(), name, secret: newSecret(), webhookUrl } });
}
