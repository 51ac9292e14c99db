import { RotateAppSecretRequest, RotatedAppSecret } from "@collab/contracts";
import { rotateSecret } from "@collab/domain";
import { appProcedure, router } from "../../trpc";

// The signed-in app's secret, for the console. Nothing here ever returns the current secret
// again: only a rotation's answer carries a secret, the new one, once.
export const appSecretRouter = router({
  /** Issues a new secret; the current one stays valid for the overlap. */
  rotate: appProcedure
    .input(RotateAppSecretRequest)
    .output(RotatedAppSecret)
    .mutation(({ ctx, input }) => rotateSecret(ctx, input)),
});
