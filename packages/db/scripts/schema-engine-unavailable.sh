#!/bin/sh
echo "No native Prisma schema engine on this machine; see packages/db/README.md (authoring migrations)." >&2
exit 1
