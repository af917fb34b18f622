#!/usr/bin/env bash
# Lints the shipped CloudFormation templates with cfn-lint (errors fail; warnings are shown).
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
templates=(action-templates/cloudformation/*.yaml)
if [ ${#templates[@]} -eq 0 ]; then
  echo "no CloudFormation templates to lint"
  exit 0
fi
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint is not installed: pip install cfn-lint" >&2
  exit 1
fi
status=0
cfn-lint --format parseable "${templates[@]}" || status=$?
# cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational; only errors fail.
if [ $((status & 3)) -ne 0 ]; then
  echo "cfn-lint found errors in the templates above" >&2
  exit 1
fi
echo "cfn-lint: ${#templates[@]} template(s) without errors"
