#!/usr/bin/env bash
# Installs everything on a fresh machine (Node 22 if needed, then the workspace's dependencies)
# and starts the Backstage app with the DR suite on the example data: frontend on :3000, backend on
# :7007, and the local Kubernetes API simulator (packages/kube-simulator) serving the two example
# clusters, prod-eu on 127.0.0.1:6443 and dr-us on 127.0.0.1:6444, which app-config.yaml points the
# Kubernetes plugin at. Set DR_SIMULATOR=off to start only the app (e.g. against real clusters).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
install_dependencies
mkdir -p .data/sqlite

if [ "${DR_SIMULATOR:-on}" != "off" ]; then
  yarn workspace @backstage-dr/kube-simulator start &
  simulator=$!
  trap 'kill "$simulator" 2>/dev/null || true' EXIT INT TERM
fi
yarn start "$@"
