import type { HIAR_OPERATIONS } from "@collab/contracts";
import type * as z from "zod";

// The client's methods, typed from the contracts' registry of REST operations: one method per
// operation, named after it, taking the wire input and resolving to the envelope's `data`.

export type Operations = typeof HIAR_OPERATIONS;
export type OperationName = keyof Operations;

/** What a method takes: the request as it goes on the wire (enums by name or number, …). */
export type OperationInput<K extends OperationName> = z.input<Operations[K]["request"]>;

/** What a method resolves to: the success envelope's `data` (a protobuf Any in protojson). */
export type OperationData<K extends OperationName> = z.output<Operations[K]["response"]>["data"];

export interface CallOptions {
  /** Your request id (`trace` header); default: a generated one. Letters, digits, `_.:-`. */
  readonly trace?: string;
  /** Cancels the call, including waits between retries. */
  readonly signal?: AbortSignal;
  /** Per attempt; default: the client's. */
  readonly timeoutMs?: number;
  /** Retries of UNAVAILABLE / RATE_LIMITED; default: the client's. */
  readonly retries?: number;
}

export type OperationMethods = {
  readonly [K in OperationName]: (
    input: OperationInput<K>,
    options?: CallOptions,
  ) => Promise<OperationData<K>>;
};
