#!/usr/bin/env bash
# Rebuilds every dist/ bundle from src/ and fails when the committed bundles differ (or are missing).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run bundle --silent >/dev/null
if ! git diff --quiet -- dist || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
  echo "dist/ is out of date with src/. Run 'npm run bundle' and commit dist/." >&2
  git status --short -- dist >&2
  exit 1
fi
echo "dist/ matches src/"
