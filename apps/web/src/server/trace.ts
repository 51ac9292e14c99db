import { randomUUID } from "node:crypto";
import { getHeader, HEADER_TRACE, type HeadersLike } from "@collab/hiar-auth";

// The caller's trace id (HiAR's `trace` header) is echoed back and logged; anything that would
// not be safe in a header or a log line is replaced by a generated id.
const SAFE_TRACE = /^[\w.:-]{1,128}$/;

export function traceIdFrom(headers: HeadersLike): string {
  const sent = getHeader(headers, HEADER_TRACE)?.trim();
  return sent !== undefined && SAFE_TRACE.test(sent) ? sent : randomUUID().replaceAll("-", "");
}
