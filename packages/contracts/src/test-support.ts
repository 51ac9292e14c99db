import type * as z from "zod";
import { describeZodError } from "./validation";

/** The field (JS path) of the first issue when `input` fails `schema`; throws if it parses. */
export function failingField(schema: z.ZodType, input: unknown): string {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected a failure, parsed ${JSON.stringify(result.data)}`);
  return describeZodError(result.error).field;
}

/** The message of the first issue when `input` fails `schema`. */
export function failingMessage(schema: z.ZodType, input: unknown): string {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected a failure, parsed ${JSON.stringify(result.data)}`);
  return describeZodError(result.error).message;
}

/** A string of `n` characters. */
export function chars(n: number, ch = "a"): string {
  return ch.repeat(n);
}
