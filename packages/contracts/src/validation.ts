import type * as z from "zod";
import { HiarError } from "./hiar-error";

// Turning a failed parse into INVALID_PARAM whose message names the field, as docs/errors.md ("Messages and fields") says.

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Renders a zod path in JS notation: `members[0].userID`, `members["odd key"]`. Root is "". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "symbol") out += `[${String(key)}]`;
    else if (IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

export interface FieldError {
  /** JS-notation path of the field; "" when the whole input is wrong. */
  field: string;
  /** "field: what is wrong", ready for the envelope's message. */
  message: string;
}

type IssueList = { readonly issues: readonly z.core.$ZodIssue[] };

function describeIssue(issue: z.core.$ZodIssue): FieldError {
  const field = formatPath(issue.path);
  return {
    field,
    message: field === "" ? `request body: ${issue.message}` : `${field}: ${issue.message}`,
  };
}

/** The first issue of a zod error, as { field, message }. */
export function describeZodError(error: IssueList): FieldError {
  const first = error.issues[0];
  return first === undefined ? { field: "", message: "invalid input" } : describeIssue(first);
}

/** How many issues parseOrThrow keeps in `details` (a 1 MiB body could hold thousands). */
const MAX_DETAILED_ISSUES = 20;

/** Parses `input`, or throws HiarError INVALID_PARAM naming the first offending field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const { field, message } = describeZodError(result.error);
  throw new HiarError("INVALID_PARAM", message, {
    field,
    details: { issues: result.error.issues.slice(0, MAX_DETAILED_ISSUES).map(describeIssue) },
  });
}
