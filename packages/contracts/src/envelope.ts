import * as z from "zod";
import {
  ERROR_CATALOGUE,
  ERROR_REASONS,
  type ErrorReason,
  SUCCESS_CODE,
  SUCCESS_REASON,
} from "./error-catalogue";
import { isHiarError } from "./hiar-error";
import { CreateResp, QueryByUserResp } from "./responses";

// The HiAR response envelope and the protobuf Any carried in its `data`.

export const TYPE_URLS = Object.freeze({
  Empty: "type.googleapis.com/google.protobuf.Empty",
  CreateResp: "type.googleapis.com/hileia_core_collaboration.v1.CreateResp",
  QueryByUserResp: "type.googleapis.com/hileia_core_collaboration.v1.QueryByUserResp",
  /** This project's extension (POST /user/token); HiAR defines no such message. */
  UserTokenResp: "type.googleapis.com/collab.v1.UserTokenResp",
  /** This project's extension (POST /session/events). */
  SessionEventsResp: "type.googleapis.com/collab.v1.SessionEventsResp",
  /** This project's extension (POST /user/calls). */
  UserCallsResp: "type.googleapis.com/collab.v1.UserCallsResp",
} as const);

// Protojson renders Any of a well-known type (Empty) as {"@type", "value"}, and Any of an
// ordinary message as its fields beside "@type".

export const EmptyAny = z.object({
  "@type": z.literal(TYPE_URLS.Empty),
  value: z.strictObject({}),
});
export type EmptyAny = z.output<typeof EmptyAny>;

/** The invite's `data`. Frozen: it is shared by every response. */
export const EMPTY_ANY: EmptyAny = Object.freeze({
  "@type": TYPE_URLS.Empty,
  value: Object.freeze({}),
});

export const CreateRespAny = CreateResp.extend({ "@type": z.literal(TYPE_URLS.CreateResp) });
export type CreateRespAny = z.output<typeof CreateRespAny>;

export const QueryByUserRespAny = QueryByUserResp.extend({
  "@type": z.literal(TYPE_URLS.QueryByUserResp),
});
export type QueryByUserRespAny = z.output<typeof QueryByUserRespAny>;

export function createRespAny(resp: CreateResp): CreateRespAny {
  return { "@type": TYPE_URLS.CreateResp, ...resp };
}

export function queryByUserRespAny(resp: QueryByUserResp): QueryByUserRespAny {
  return { "@type": TYPE_URLS.QueryByUserResp, ...resp };
}

// --- Envelopes ----------------------------------------------------------------------------

export interface SuccessEnvelope<T> {
  code: typeof SUCCESS_CODE;
  reason: typeof SUCCESS_REASON;
  message: string;
  data: T;
}

/** HTTP 200 body: {code:0, reason:"SUCCESS", message:"", data}. */
export function successEnvelope<T>(data: T): SuccessEnvelope<T> {
  return { code: SUCCESS_CODE, reason: SUCCESS_REASON, message: "", data };
}

export function successEnvelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({
    code: z.literal(SUCCESS_CODE),
    reason: z.literal(SUCCESS_REASON),
    message: z.string(),
    data,
  });
}

export const ErrorEnvelope = z
  .object({
    code: z.int(),
    reason: z.enum(ERROR_REASONS),
    message: z.string(),
    data: z.null(),
  })
  .refine((e) => ERROR_CATALOGUE[e.reason].code === e.code, {
    error: "code does not match reason",
    path: ["code"],
  });
export type ErrorEnvelope = z.output<typeof ErrorEnvelope>;

/** Error body: {code, reason, message, data:null}; message defaults to the catalogue's. */
export function errorEnvelope(reason: ErrorReason, message?: string): ErrorEnvelope {
  const entry = ERROR_CATALOGUE[reason];
  return { code: entry.code, reason, message: message ?? entry.message, data: null };
}

/** Either envelope, for checking any response of an endpoint whose data is `data`. */
export function envelopeSchema<T extends z.ZodType>(data: T) {
  return z.union([successEnvelopeSchema(data), ErrorEnvelope]);
}

export const InviteSessionResponse = successEnvelopeSchema(EmptyAny);
export const CreateCollaborationResponse = successEnvelopeSchema(CreateRespAny);
export const QueryByUserResponse = successEnvelopeSchema(QueryByUserRespAny);

/**
 * What an adapter sends for a thrown value: a HiarError keeps its reason and message; anything
 * else is INTERNAL with the catalogue's message, so no stack trace or detail leaves the server.
 */
export function errorResponse(error: unknown): { httpStatus: number; body: ErrorEnvelope } {
  if (isHiarError(error)) {
    return {
      httpStatus: ERROR_CATALOGUE[error.reason].httpStatus,
      body: errorEnvelope(error.reason, error.message),
    };
  }
  return { httpStatus: ERROR_CATALOGUE.INTERNAL.httpStatus, body: errorEnvelope("INTERNAL") };
}
