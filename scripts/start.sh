#!/usr/bin/env bash
# Installs everything on a fresh machine (Node 22 if needed, then the workspace's dependencies)
# and starts the Backstage app with the DR suite: frontend on :3000, backend on :7007.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
install_dependencies
mkdir -p .data/sqlite
exec yarn start "$@"
