import { describe, expect, it } from "vitest";
import { parseUserEventStreamRequest } from "./user-event-stream";

// A subscription request read as tRPC reads it (or left to tRPC's handler: null).

const parse = (query: Record<string, string>, headers = {}) =>
  parseUserEventStreamRequest(new URLSearchParams(query), headers);

describe("parseUserEventStreamRequest", () => {
  it("takes the input, and the token from the header before the connection parameters", () => {
    expect(
      parse(
        { input: JSON.stringify({ lastEventId: "7" }), connectionParams: '{"token":"t-param"}' },
        { authorization: "Bearer t-header" },
      ),
    ).toEqual({ input: { lastEventId: "7" }, userToken: "t-header", lastEventId: null });
    expect(parse({ connectionParams: '{"token":"t-param"}' })).toEqual({
      input: undefined,
      userToken: "t-param",
      lastEventId: null,
    });
    expect(parse({ connectionParams: "null" })?.userToken).toBeNull();
  });

  it("merges the client's Last-Event-ID into the input, the header first", () => {
    expect(parse({ input: "{}" }, { lastEventId: "9" })).toMatchObject({
      input: { lastEventId: "9" },
      lastEventId: "9",
    });
    expect(parse({ lastEventId: "10" })?.input).toEqual({ lastEventId: "10" });
    expect(parse({ "Last-Event-Id": "11" }, { lastEventId: "12" })?.input).toEqual({
      lastEventId: "12",
    });
    // An empty id is none, as for tRPC.
    expect(parse({ input: "{}" }, { lastEventId: "" })?.input).toEqual({});
  });

  it("leaves any other shape to tRPC's handler", () => {
    expect(parse({ batch: "1" })).toBeNull();
    expect(parse({ input: "{not json" })).toBeNull();
    expect(parse({ connectionParams: "{not json" })).toBeNull();
    expect(parse({ connectionParams: '{"token":42}' })).toBeNull();
    expect(parse({ connectionParams: '["t"]' })).toBeNull();
  });
});
