#!/bin/sh
# Stand-in for Prisma's native schema engine (see prisma.config.ts): `prisma generate` never runs
# it; commands that need the engine end here. The CLI skips the first stderr line and reads the
# rest as the engine's JSON log lines, so the message goes out in that shape.
msg='No native Prisma schema engine on this machine. Apply migrations with `pnpm db:migrate`, author them with `pnpm --filter @collab/db db:migration:new --name <name>` (see packages/db/README.md), or set COLLAB_PRISMA_NATIVE_ENGINE=1 where the engine can be downloaded.'
echo "schema-engine stub" >&2
printf '{"level":"ERROR","target":"schema_engine::logger","fields":{"message":"%s","error_code":"NO_ENGINE"}}\n' "$msg" >&2
exit 1
