#!/usr/bin/env bash
# Installs everything on a fresh machine (Node 22 if needed, the workspace's dependencies, Debian's
# chromium for the browser tests, Debian's postgresql for the database tests) and runs every check:
# typecheck (tsc), lint (backstage-cli repo lint), the unit tests (jest, every package) and the
# browser tests (packages/e2e-tests, which start the app on the example data unless one is already
# running on :3000/:7007) and the adoption test (scripts/adoption-test.sh: the packed packages in a
# fresh app from @backstage/create-app, on :3100/:7107).
# The jest tests run with a throwaway PostgreSQL server (started here on loopback, stopped at the end):
# store and multi-instance tests run on it as well as on SQLite. A server that cannot be started
# counts as one failed check.
# Writes .test-results/summary.json and ends with the line `N passed, N failed`, where the
# typecheck, the lint and the adoption test count as one check each and every jest test as one.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
install_dependencies
install_chromium
install_postgresql || echo "[test] Debian's postgresql could not be installed"

results="$REPO_ROOT/.test-results"
rm -rf "$results"
mkdir -p "$results"
static_passed=0
static_failed=0

echo "[test] PostgreSQL for the database tests"
trap stop_test_postgres EXIT
if [ -n "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  echo "[test] using the PostgreSQL server of BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING"
elif ! start_test_postgres; then
  echo "[test] PostgreSQL could not be started: the database tests run on SQLite only"
  static_failed=$((static_failed + 1))
fi

echo "[test] typecheck"
if yarn tsc; then static_passed=$((static_passed + 1)); else static_failed=$((static_failed + 1)); fi

echo "[test] lint"
if yarn backstage-cli repo lint; then static_passed=$((static_passed + 1)); else static_failed=$((static_failed + 1)); fi

echo "[test] jest"
jest_status=0
CI=true yarn backstage-cli repo test --maxWorkers=2 --json --outputFile="$results/jest.json" || jest_status=$?

echo "[test] browser tests"
e2e_status=0
CI=true yarn workspace e2e-tests test:e2e --json --outputFile="$results/e2e.json" || e2e_status=$?

# One check: the packed packages install into a fresh create-app app by the READMEs' commands, and
# it judges the example services and shows the DR page (the typecheck above wrote dist-types/).
echo "[test] adoption test (scripts/adoption-test.sh)"
if DR_ADOPTION_SKIP_TSC=1 scripts/adoption-test.sh; then
  static_passed=$((static_passed + 1))
else
  static_failed=$((static_failed + 1))
fi

node - "$results" "$static_passed" "$static_failed" "$jest_status" "$e2e_status" <<'NODE'
const fs = require('fs');
const path = require('path');
const [dir, staticPassed, staticFailed, jestStatus, e2eStatus] = process.argv.slice(2);
let passed = Number(staticPassed);
let failed = Number(staticFailed);
for (const [name, status] of [['jest.json', jestStatus], ['e2e.json', e2eStatus]]) {
  const file = path.join(dir, name);
  if (fs.existsSync(file)) {
    const jest = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += jest.numPassedTests;
    failed += jest.numFailedTests;
    // A suite that fails to load (syntax error, missing module) has no failed test: count it.
    failed += jest.testResults.filter(
      r => r.status === 'failed' && r.assertionResults.every(a => a.status !== 'failed'),
    ).length;
  } else if (status !== '0') {
    failed += 1;
  }
}
fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ passed, failed }) + '\n');
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
NODE
