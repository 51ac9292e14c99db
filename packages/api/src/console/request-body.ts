import { HiarError } from "@collab/contracts";

/**
 * The request with its body capped at `maxBytes`: tRPC reads it (lazily, after the session
 * check) through a stream that fails with PAYLOAD_TOO_LARGE as soon as more arrives, or at once
 * when Content-Length already says so, so an oversized body is never buffered. A request without
 * a body (GET, HEAD) is returned as it is, keeping its abort signal for live streams.
 */
export function limitRequestBody(request: Request, maxBytes: number): Request {
  const source = request.body;
  if (source === null) return request;
  const tooLarge = () =>
    new HiarError("PAYLOAD_TOO_LARGE", `request body is larger than ${maxBytes} bytes`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  const reader = source.getReader();
  let received = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (declared > maxBytes) {
        controller.error(tooLarge());
        await reader.cancel().catch(() => {});
        return;
      }
      const chunk = await reader.read();
      if (chunk.done) {
        controller.close();
        return;
      }
      received += chunk.value.byteLength;
      if (received > maxBytes) {
        controller.error(tooLarge());
        await reader.cancel().catch(() => {});
        return;
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    signal: request.signal,
    // Required by undici for a streamed request body.
    duplex: "half",
  } as RequestInit);
}
