#!/usr/bin/env bash
# The adoption test: does the suite install into a fresh Backstage app from its packages, as an
# adopter would do it, following the package READMEs?
#
#   scripts/adoption-test.sh          (yarn test:adoption)
#
# 1. Packs every publishable package (scripts/pack.sh: build, then `yarn pack` with each
#    package's prepack) into <work>/packs.
# 1b. Installs dr-check from its archive with npm and runs it (--help; the gate on its fixtures).
# 2. Creates an app with the registry's `@backstage/create-app` (non-interactive:
#    BACKSTAGE_APP_NAME, --skip-install), the version of backstage.json's release.
# 3. Points the root `resolutions` of the app at the archives (they are not on the registry),
#    then installs them with the READMEs' `yarn --cwd packages/... add` commands, each package
#    name given its archive; yarn is the app's own committed release, against the npm registry.
#    The same command bumps `@backstage/backend-defaults` to ^0.19: create-app 0.9.2's template has
#    ^0.18, and its signals backend (0.3.21 today) needs httpRouter.addWebSocketHandler of 0.19.
# 4. Adds the backend lines of the READMEs' "Installation" code blocks to
#    packages/backend/src/index.ts (the frontend needs nothing: feature discovery), and writes
#    app-config.local.yaml: the README's `kubernetes:` and `disasterRecovery:` config for the
#    simulated clusters, the repository's example catalog, ports that leave :3000/:7007 free.
# 5. Starts packages/kube-simulator (ports 16443, 16444) and the app (`yarn start`: frontend
#    :3100, backend :7107).
# 6. Checks that GET /api/disaster-recovery/overview judges the example services (five named
#    services with their expected verdict; every verdict counted) and that the DR page renders
#    in Chromium (playwright-core, /usr/bin/chromium): the table lists the judged services.
#    Writes a screenshot, <work>/dr-page.png.
# Ends with `adoption test: passed in <s>` or `adoption test: FAILED (<step>)`, exit 0 or 1, and
# stops what it started. Logs of each step: <work>/*.log (the tail is printed on failure).
#
# Environment:
#   DR_ADOPTION_PACKS      a folder of archives from scripts/pack.sh: step 1 is skipped
#   DR_ADOPTION_SKIP_TSC=1 step 1 skips `yarn tsc` (scripts/test.sh has just run it)
#   DR_ADOPTION_DIR        the work folder, default ${TMPDIR:-/tmp}/backstage-dr-adoption (emptied
#                          first, kept afterwards)
#   DR_CREATE_APP_VERSION  default 0.9.2 (Backstage 1.55.0)
#   DR_ADOPTION_FROM       configure or start: reuse the work folder's installed app and begin at
#                          that step (to work on the test)
# Needs the network only for the npm registry; yarn's global cache (~/.yarn/berry/cache) is shared
# with the repository's install, so most archives are already there.
# Time, measured on a 2-core machine shared with other builds (load 6 to 12), warm yarn cache:
# 12 to 17 min (pack 3-5, the app's first install 6.5-8.5 (its native builds: better-sqlite3,
# tree-sitter, ...), start 1, judged 10-40 s after the backend is ready, page 1). The app's
# install fetches about 400 packages (225 MiB) that the repository's install does not: about a
# minute more when cold.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

WORK="${DR_ADOPTION_DIR:-${TMPDIR:-/tmp}/backstage-dr-adoption}"
CREATE_APP_VERSION="${DR_CREATE_APP_VERSION:-0.9.2}"
FRONTEND_PORT=3100
BACKEND_PORT=7107
SIMULATOR_PORTS=(16443 16444)
APP="$WORK/app"
started=$SECONDS
step="start"
pids=()

log() { echo "[adoption +$((SECONDS - started))s] $*"; }

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  sleep 2
  for pid in "${pids[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
}
fail() {
  echo "[adoption] FAILED at step '$step': $*" >&2
  for f in "$WORK"/"${step// /-}"*.log "$WORK"/start-*.log; do
    [ -f "$f" ] && { echo "--- tail of $f" >&2; tail -n 40 "$f" >&2; }
  done
  echo "adoption test: FAILED ($step)"
  exit 1
}
trap cleanup EXIT
trap 'fail "a command failed (line $LINENO)"' ERR

for port in "$FRONTEND_PORT" "$BACKEND_PORT" "${SIMULATOR_PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    step="ports"
    fail "port $port is in use; stop what listens there"
  fi
done

from="${DR_ADOPTION_FROM:-pack}"
case "$from" in
  pack) rm -rf "$WORK" ;;
  configure | start) [ -d "$APP/node_modules" ] || { step="$from"; fail "DR_ADOPTION_FROM=$from needs the installed app of an earlier run in $APP"; } ;;
  *) step="$from"; fail "DR_ADOPTION_FROM is pack, configure or start" ;;
esac
mkdir -p "$WORK"

if [ "$from" = pack ]; then
step="pack"
if [ -n "${DR_ADOPTION_PACKS:-}" ]; then
  log "the archives of $DR_ADOPTION_PACKS"
  mkdir -p "$WORK/packs"
  cp "$DR_ADOPTION_PACKS"/*.tgz "$WORK/packs/"
else
  log "packing every publishable package into $WORK/packs"
  pack_args=(--out "$WORK/packs")
  [ "${DR_ADOPTION_SKIP_TSC:-}" = 1 ] && pack_args+=(--skip-tsc)
  scripts/pack.sh "${pack_args[@]}" >"$WORK/pack.log" 2>&1 || fail "scripts/pack.sh failed"
  grep -- '->' "$WORK/pack.log" | sed 's/^/  /'
fi

step="dr-check"
# dr-check from its archive, as `npx @backstage-dr/dr-check` runs it: with npm, in an empty project
# (its -common dependency from its archive too; the rest from the registry).
log "npm install of the dr-check and -common archives; dr-check --help, and the gate on its fixtures"
mkdir -p "$WORK/dr-check"
echo '{ "name": "dr-check-try", "private": true }' >"$WORK/dr-check/package.json"
(cd "$WORK/dr-check" && npm install --no-audit --no-fund \
  "$WORK"/packs/backstage-dr-plugin-disaster-recovery-common-*.tgz "$WORK"/packs/backstage-dr-dr-check-*.tgz \
  >"$WORK/dr-check.log" 2>&1) || fail "npm install of the archives failed"
(cd "$WORK/dr-check" && npx --no-install dr-check --help >>"$WORK/dr-check.log" 2>&1) || fail "dr-check --help failed"
gate=0
(cd packages/dr-check && npx --prefix "$WORK/dr-check" --no-install dr-check --catalog src/__fixtures__/catalog \
  --clusters src/__fixtures__/clusters --now 2026-11-25T12:20:00Z --fail-on tier-2 >>"$WORK/dr-check.log" 2>&1) || gate=$?
[ "$gate" = 1 ] && grep -q 'gate failed: 2 services of tier-2' "$WORK/dr-check.log" ||
  fail "dr-check on its fixtures exited $gate, not 1 with 'gate failed: 2 services of tier-2'"
log "dr-check: --help and the gate (exit 1, 2 services) work from the archive"

step="create app"
log "npx @backstage/create-app@$CREATE_APP_VERSION --path $APP --skip-install"
(cd "$WORK" && BACKSTAGE_APP_NAME=dr-adopter npx -y "@backstage/create-app@$CREATE_APP_VERSION" \
  --path "$APP" --skip-install </dev/null >"$WORK/create-app.log" 2>&1) ||
  fail "create-app failed"
[ -f "$APP/package.json" ] || fail "create-app wrote no package.json"

step="install"
# The archives stand in for the registry: a name resolves to its archive wherever it is asked for.
node - "$APP/package.json" "$WORK/packs" <<'NODE'
const fs = require('fs');
const path = require('path');
const [file, packs] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
pkg.resolutions = pkg.resolutions ?? {};
for (const archive of fs.readdirSync(packs).filter(f => f.endsWith('.tgz'))) {
  const manifest = require('child_process').execFileSync(
    'tar', ['xzf', path.join(packs, archive), '-O', 'package/package.json'], { encoding: 'utf8' });
  pkg.resolutions[JSON.parse(manifest).name] = `file:${path.join(packs, archive)}`;
}
// @yarnpkg/core 4.9.2 was published with a broken patch dependency (see the root package.json).
pkg.resolutions['@yarnpkg/core/got'] = '^11.8.2';
fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
NODE
archive_of() {
  local name="$1"
  echo "$name@file:$WORK/packs/$(echo "${name#@}" | tr / -)-0.1.0.tgz"
}
backend_packages=(
  @backstage-dr/plugin-disaster-recovery-backend
  @backstage-dr/plugin-catalog-backend-module-disaster-recovery
  @backstage-dr/plugin-scaffolder-backend-module-disaster-recovery
)
backend_args=("@backstage/backend-defaults@^0.19.0")
for name in "${backend_packages[@]}"; do backend_args+=("$(archive_of "$name")"); done
log "yarn --cwd packages/backend add @backstage/backend-defaults@^0.19.0 ${backend_packages[*]} (the first install of the app)"
(cd "$APP" && yarn --cwd packages/backend add "${backend_args[@]}" >"$WORK/install-backend.log" 2>&1) ||
  { step="install-backend"; fail "yarn add in packages/backend failed"; }
log "yarn --cwd packages/app add @backstage-dr/plugin-disaster-recovery"
(cd "$APP" && yarn --cwd packages/app add "$(archive_of @backstage-dr/plugin-disaster-recovery)" \
  >"$WORK/install-app.log" 2>&1) || { step="install-app"; fail "yarn add in packages/app failed"; }

fi

if [ "$from" != start ]; then
step="configure"
log "packages/backend/src/index.ts: the READMEs' installation lines; app-config.local.yaml"
node - "$APP/packages/backend/src/index.ts" \
  plugins/disaster-recovery-backend/README.md \
  plugins/catalog-backend-module-disaster-recovery/README.md \
  plugins/scaffolder-backend-module-disaster-recovery/README.md <<'NODE'
// Takes the `// packages/backend/src/index.ts` code block of each README's Installation section:
// its imports go to the top of the file, its backend.add(...) statements before backend.start(),
// except those of plugins the file already adds.
const fs = require('fs');
const [target, ...readmes] = process.argv.slice(2);
let source = fs.readFileSync(target, 'utf8');
const imports = [];
const adds = [];
for (const readme of readmes) {
  const text = fs.readFileSync(readme, 'utf8');
  const install = text.slice(text.indexOf('## Installation'));
  const block = /```ts\n\/\/ packages\/backend\/src\/index\.ts\n([\s\S]*?)```/.exec(install);
  if (!block) throw new Error(`${readme}: no packages/backend/src/index.ts block under ## Installation`);
  for (const statement of block[1].split(/;\s*(?:\/\/[^\n]*)?\n/).map(s => s.trim()).filter(Boolean)) {
    if (statement.startsWith('import ')) imports.push(`${statement};`);
    else if (statement.startsWith('backend.add(')) {
      const normalized = statement.replace(/\s+/g, '');
      if (!source.replace(/\s+/g, '').includes(normalized) && !adds.some(a => a.replace(/\s+/g, '') === `${normalized};`))
        adds.push(`${statement};`);
    } else throw new Error(`${readme}: unexpected statement in the installation block: ${statement}`);
  }
}
if (source.includes('// Backstage DR, from its READMEs')) {
  console.log('  already done');
  process.exit(0);
}
if (!source.includes('backend.start();')) throw new Error(`${target}: no backend.start();`);
source = `${imports.join('\n')}\n${source}`.replace(
  'backend.start();',
  `// Backstage DR, from its READMEs\n${adds.join('\n')}\n\nbackend.start();`,
);
fs.writeFileSync(target, source);
console.log(`  ${imports.length} import(s), ${adds.length} backend.add(...) line(s) added`);
NODE

cat >"$WORK/simulator.yaml" <<EOF
# The simulated clusters of the adoption test (the repository's fixtures, other ports).
host: 127.0.0.1
clusters:
  - name: prod-eu
    port: ${SIMULATOR_PORTS[0]}
    token: adoption-token
    fixtures: $REPO_ROOT/packages/kube-simulator/fixtures/prod-eu
  - name: dr-us
    port: ${SIMULATOR_PORTS[1]}
    token: adoption-token
    fixtures: $REPO_ROOT/packages/kube-simulator/fixtures/dr-us
EOF

cat >"$APP/app-config.local.yaml" <<EOF
# Written by scripts/adoption-test.sh: the Kubernetes and DR config of the READMEs for the
# simulated clusters, and the example catalog of the Backstage DR repository.
app:
  baseUrl: http://localhost:$FRONTEND_PORT
backend:
  baseUrl: http://localhost:$BACKEND_PORT
  listen:
    port: $BACKEND_PORT
  cors:
    origin: http://localhost:$FRONTEND_PORT
catalog:
  rules:
    - allow: [Component, System, API, Resource, Location, User, Group]
  locations:
    - type: file
      target: $REPO_ROOT/examples/systems.yaml
    - type: file
      target: $REPO_ROOT/examples/services.yaml
    - type: file
      target: $REPO_ROOT/examples/org.yaml
kubernetes:
  serviceLocatorMethod:
    type: multiTenant
  clusterLocatorMethods:
    - type: config
      clusters:
        - name: prod-eu
          url: http://127.0.0.1:${SIMULATOR_PORTS[0]}
          authProvider: serviceAccount
          serviceAccountToken: adoption-token
          skipMetricsLookup: true
        - name: dr-us
          url: http://127.0.0.1:${SIMULATOR_PORTS[1]}
          authProvider: serviceAccount
          serviceAccountToken: adoption-token
          skipMetricsLookup: true
disasterRecovery:
  clusters:
    - name: prod-eu
      region: eu-west-1
    - name: dr-us
      region: us-east-1
EOF

fi

step="start"
log "starting the simulator (:${SIMULATOR_PORTS[0]}, :${SIMULATOR_PORTS[1]}) and the app (yarn start: :$FRONTEND_PORT, :$BACKEND_PORT)"
setsid node --require @backstage/cli/config/nodeTransform.cjs packages/kube-simulator/src/cli.ts \
  --config "$WORK/simulator.yaml" >"$WORK/start-simulator.log" 2>&1 &
pids+=($!)
(cd "$APP" && BROWSER=none NODE_ENV=development exec setsid yarn start >"$WORK/start-app.log" 2>&1) &
pids+=($!)

wait_for() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || return 1
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
    sleep 2
  done
}
wait_for "http://127.0.0.1:$BACKEND_PORT/.backstage/health/v1/readiness" 300 ||
  fail "the backend was not ready within 5 minutes (or a process ended)"
backend_ready=$SECONDS
log "backend ready"

step="overview"
node - "http://127.0.0.1:$BACKEND_PORT" >"$WORK/overview.log" 2>&1 <<'NODE' || fail "$(tail -n 1 "$WORK/overview.log")"
// The example services and the verdict packages/kube-simulator/fixtures/README.md expects.
const expected = {
  'orders-db': 'compliant',
  'notifications-service': 'compliant',
  'inventory-service': 'at-risk',
  'orders-api': 'breached',
  'ledger-db': 'breached',
};
const backend = process.argv[2];
const started = Date.now();
(async () => {
  let last;
  while (Date.now() - started < 360_000) {
    const auth = await fetch(`${backend}/api/auth/guest/refresh`, { method: 'POST' });
    const token = (await auth.json()).backstageIdentity.token;
    const res = await fetch(`${backend}/api/disaster-recovery/overview?limit=500`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    last = `${res.status} ${text.slice(0, 300)}`;
    if (res.ok) {
      const overview = JSON.parse(text);
      const byName = Object.fromEntries((overview.items ?? []).map(i => [i.name, i.verdict]));
      if (Object.keys(expected).every(name => byName[name])) {
        const wrong = Object.entries(expected).filter(([name, verdict]) => byName[name] !== verdict);
        if (wrong.length) {
          throw new Error(`wrong verdicts: ${wrong.map(([n, v]) => `${n} is ${byName[n]}, expected ${v}`).join('; ')}`);
        }
        console.log(`judged ${overview.totalCount} services after ${Math.round((Date.now() - started) / 1000)}s: ${JSON.stringify(overview.counts.verdict)}`);
        return;
      }
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error(`the example services were not judged within 6 minutes; last answer: ${last}`);
})().catch(error => {
  console.error(String(error));
  process.exit(1);
});
NODE
log "/api/disaster-recovery/overview: $(tail -n 1 "$WORK/overview.log") ($((SECONDS - backend_ready))s after the backend was ready)"

step="page"
wait_for "http://localhost:$FRONTEND_PORT" 300 || fail "the frontend did not answer within 5 minutes"
NODE_PATH="$REPO_ROOT/node_modules" node - "http://localhost:$FRONTEND_PORT" "$WORK/dr-page.png" \
  >"$WORK/page.log" 2>&1 <<'NODE' || fail "$(tail -n 1 "$WORK/page.log")"
const { chromium } = require('playwright-core');
const [frontend, screenshot] = process.argv.slice(2);
(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    // The development server compiles the app on the first visit: minutes on a busy machine.
    await page.goto(`${frontend}/disaster-recovery`, { timeout: 300_000, waitUntil: 'domcontentloaded' });
    await page.getByRole('button', { name: /enter/i }).click({ timeout: 300_000 });
    const link = page.locator('table a[href$="/disaster-recovery"]', { hasText: 'orders-db' });
    await link.first().waitFor({ timeout: 120_000 });
    await page.getByText('Breached').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshot, fullPage: true });
    const rows = await page.locator('table a[href$="/disaster-recovery"]').count();
    console.log(`the DR page lists ${rows} services (screenshot ${screenshot})`);
  } finally {
    await browser.close();
  }
})().catch(error => {
  console.error(String(error).split('\n')[0]);
  process.exit(1);
});
NODE
log "DR page: $(tail -n 1 "$WORK/page.log")"

trap - ERR
echo "adoption test: passed in $((SECONDS - started))s"
