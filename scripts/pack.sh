#!/usr/bin/env bash
# Packs every publishable package (every workspace that is not private) into one folder, as
# `npm publish` would upload it, and checks each archive.
#
#   scripts/pack.sh [--out <dir>] [--skip-tsc] [--skip-build]
#
# 1. Builds: `yarn tsc` (the type declarations the package builds bundle; --skip-tsc when
#    dist-types/ was just written), then `backstage-cli repo build` (every package but the app and
#    the backend). --skip-build skips both.
# 2. Packs each package with `yarn pack`, which runs its `prepack` script
#    (`backstage-cli package prepack`: `main`, `module`, `types`, `exports` and `typesVersions`
#    rewritten to `dist/`, config.d.ts compiled to config.schema.json), replaces `workspace:^`
#    ranges with the versions, and runs `postpack` (restores package.json).
#    Archives: <out>/<name without @, / as ->-<version>.tgz; default <out>: .cache/packs (ignored).
# 3. Checks every archive: its package.json names no `src/` file, and every entry point it names
#    (main, module, types, exports, typesVersions, bin) is in the archive. Exits 1 otherwise.
# Prints one line per package: name, version, archive, size.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

out="$REPO_ROOT/.cache/packs"
build=1
tsc=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --skip-build) build=0; shift ;;
    --skip-tsc) tsc=0; shift ;;
    *) echo "[pack] unknown argument $1; use --out <dir>, --skip-tsc or --skip-build" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"

if [ "$build" = 1 ]; then
  if [ "$tsc" = 1 ]; then
    echo "[pack] yarn tsc"
    yarn tsc
  fi
  echo "[pack] backstage-cli repo build (every package but the app and the backend)"
  yarn backstage-cli repo build
fi

# name<TAB>version<TAB>folder of every workspace that is not private
packages="$(node -e '
const fs = require("fs");
const path = require("path");
for (const root of ["packages", "plugins"]) {
  for (const dir of fs.readdirSync(root).sort()) {
    const file = path.join(root, dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    if (!pkg.private) console.log([pkg.name, pkg.version, path.join(root, dir)].join("\t"));
  }
}')"

# Two `yarn pack`s at a time (each is mostly one core: its prepack reads the build's types).
while IFS=$'\t' read -r name version dir; do
  slug="$(echo "${name#@}" | tr / -)-$version"
  rm -f "$out/$slug.tgz"
  (cd "$dir" && yarn pack --out "$out/$slug.tgz" >"$out/.pack-$slug.log" 2>&1) &
  while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
done <<<"$packages"
wait

status=0
while IFS=$'\t' read -r name version dir; do
  slug="$(echo "${name#@}" | tr / -)-$version"
  archive="$out/$slug.tgz"
  if [ ! -f "$archive" ]; then
    cat "$out/.pack-$slug.log" >&2
    echo "[pack] $name: yarn pack failed" >&2
    status=1
    continue
  fi
  if ! node - "$archive" <<'NODE'; then
const { execFileSync } = require('child_process');
const archive = process.argv[2];
const files = new Set(
  execFileSync('tar', ['tzf', archive], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(f => f.replace(/^package\//, '')),
);
const pkg = JSON.parse(
  execFileSync('tar', ['xzf', archive, '-O', 'package/package.json'], { encoding: 'utf8' }),
);
const targets = [];
const collect = (where, value) => {
  if (typeof value === 'string') targets.push([where, value]);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) collect(`${where}.${k}`, v);
};
for (const key of ['main', 'module', 'types', 'exports', 'typesVersions', 'bin']) collect(key, pkg[key]);
const problems = [];
for (const [where, target] of targets) {
  if (where.startsWith('exports') && where.endsWith('.backstage')) continue; // a feature type, not a file
  const file = target.replace(/^\.\//, '');
  if (/^src\//.test(file)) problems.push(`${where} points at ${target}, which is not packed`);
  else if (!files.has(file)) problems.push(`${where}: ${target} is not in the archive`);
}
for (const [field, value] of Object.entries(pkg.dependencies ?? {}))
  if (String(value).startsWith('workspace:')) problems.push(`dependencies.${field} is ${value}`);
if (problems.length) {
  console.error(`[pack] ${pkg.name}: ${problems.join('; ')}`);
  process.exit(1);
}
NODE
    status=1
    continue
  fi
  echo "[pack] $name $version -> ${archive#"$REPO_ROOT"/} ($(du -k "$archive" | cut -f1) KiB)"
done <<<"$packages"
rm -f "$out"/.pack-*.log
exit $status
