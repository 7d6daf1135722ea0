#!/usr/bin/env bash
# Build the front-end assets into static/ (git-ignored build output).
#
#   bash scripts/build_assets.sh
#
# Idempotent: installs node_modules with `npm ci --ignore-scripts` (no package
# here needs an install script) from package-lock.json when
# they are missing or do not match package.json, then rebuilds:
#
#   frontend/app.scss  -> static/css/app.css          (GOV.UK Frontend Sass, Arial, no crown)
#   frontend/app.js    -> static/js/app.js            (ES module: initAll(), the session time-out warning)
#   govuk-frontend     -> static/js/govuk-frontend.min.js (+ .map)
#   frontend/images/*  -> static/images/              (council favicon; no crown, no GOV.UK logo)
#   axe-core           -> static/js/vendor/axe.min.js (for the browser tests' accessibility checks)
#
# Hand-written sources live in frontend/; static/css, static/js and
# static/images are wiped and rebuilt on every run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "build_assets: npm is not installed (needs Node.js 20+)" >&2
  exit 1
fi

if [ ! -d node_modules ] || ! npm ls --depth=0 >/dev/null 2>&1; then
  echo "build_assets: npm ci"
  npm ci --no-audit --no-fund --ignore-scripts
fi

GOVUK=node_modules/govuk-frontend/dist/govuk

rm -rf static/css static/js static/images
mkdir -p static/css static/js/vendor static/images

# --quiet-deps: GOV.UK Frontend 5 still uses @import and global Sass
# functions; their deprecation warnings are not ours to fix.
node_modules/.bin/sass \
  --no-source-map \
  --style=compressed \
  --quiet-deps \
  --load-path=node_modules \
  frontend/app.scss static/css/app.css

cp "$GOVUK/govuk-frontend.min.js" "$GOVUK/govuk-frontend.min.js.map" static/js/
cp frontend/app.js static/js/app.js
cp frontend/images/* static/images/
cp node_modules/axe-core/axe.min.js static/js/vendor/axe.min.js

echo "build_assets: built static/css/app.css, static/js/app.js, static/js/govuk-frontend.min.js, static/js/vendor/axe.min.js, static/images/"
