import type { Prisma, PrismaClient } from "../generated/prisma/client";

/**
 * What every repository function takes: the client itself, or the `tx` of an interactive
 * transaction (`db.$transaction(async (tx) => …)`). Functions that must run inside a transaction
 * (row locks) say so.
 */
export type DbExecutor = PrismaClient | Prisma.TransactionClient;

/**
 * An int[] as a PostgreSQL array literal ("{1,2,3}"), so a list of int arrays can travel as one
 * text[] parameter and be cast back with `::int[]` (a 2-D array cannot hold rows of different
 * lengths). The values are sent as parameter data, never as SQL text.
 */
export function intArrayLiteral(values: readonly number[]): string {
  for (const value of values) {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`intArrayLiteral: ${value} is not an integer`);
    }
  }
  return `{${values.join(",")}}`;
}
