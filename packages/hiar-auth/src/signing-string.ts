export interface SigningStringInput {
  /** HTTP method exactly as it is to be signed; the doc's example uses lower case (`get`). */
  readonly method: string;
  /** URI path starting with `/`, without the query. */
  readonly path: string;
  /** The query string without `?`: as sent (what the doc's example signs) or canonical. */
  readonly query: string;
  readonly appId: string;
  /** The X-HIAR-OPENAPI-DATE header value, verbatim. */
  readonly date: string;
  readonly nonce: string;
}

/**
 * The doc's signing string, verbatim: six fields, each followed by "\n" (including the last).
 * No case folding or reordering happens here; callers choose the form they sign.
 */
export function signingString(input: SigningStringInput): string {
  const { method, path, query, appId, date, nonce } = input;
  return `${method}\n${path}\n${query}\n${appId}\n${date}\n${nonce}\n`;
}
