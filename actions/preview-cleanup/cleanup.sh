#!/usr/bin/env bash
# Deletes pull-request previews with the AWS CLI: the stack, the image tags pr-<n>-* and the model versions
# registered for the pull request. One pull request (PULL_REQUEST), or a sweep (SWEEP=true) of every
# preview whose pull request is closed or whose modelship:expires-at has passed.
set -euo pipefail

say() { echo "$*"; }
summary() { [ -n "${GITHUB_STEP_SUMMARY:-}" ] && echo "$*" >> "$GITHUB_STEP_SUMMARY" || true; }

delete_stack() {
  local stack=$1 status
  if ! status=$(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text 2>/dev/null); then
    say "Stack $stack does not exist: nothing to delete."
    return
  fi
  say "Deleting stack $stack ($status)"
  aws cloudformation delete-stack --stack-name "$stack"
  while status=$(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text 2>/dev/null); do
    if [ "$status" = DELETE_FAILED ]; then
      echo "::error::Stack $stack is DELETE_FAILED: see its events (aws cloudformation describe-stack-events --stack-name $stack), fix and re-run."
      return 1
    fi
    sleep 2
  done
  say "Stack $stack deleted."
}

delete_image_tags() {
  local pr=$1 tags
  if ! aws ecr describe-repositories --repository-names "$ECR_REPOSITORY" > /dev/null 2>&1; then
    say "ECR repository $ECR_REPOSITORY does not exist: no image tags to delete."
    return
  fi
  tags=$(aws ecr list-images --repository-name "$ECR_REPOSITORY" --filter tagStatus=TAGGED \
    --query "imageIds[?starts_with(imageTag, 'pr-${pr}-')].imageTag" --output text)
  if [ -z "$tags" ] || [ "$tags" = None ]; then
    say "No image tags pr-${pr}-* in $ECR_REPOSITORY."
    return
  fi
  local ids=()
  for tag in $tags; do ids+=("imageTag=$tag"); done
  aws ecr batch-delete-image --repository-name "$ECR_REPOSITORY" --image-ids "${ids[@]}" > /dev/null
  say "Deleted image tags from $ECR_REPOSITORY: $tags"
}

delete_model_versions() {
  local pr=$1 arns arn recorded deleted=0
  arns=$(aws sagemaker list-model-packages --model-package-group-name "$MODEL_PACKAGE_GROUP" \
    --query 'ModelPackageSummaryList[].ModelPackageArn' --output text 2>/dev/null || true)
  for arn in $arns; do
    [ "$arn" = None ] && continue
    recorded=$(aws sagemaker describe-model-package --model-package-name "$arn" \
      --query 'CustomerMetadataProperties."git.pull-request"' --output text)
    if [ "$recorded" = "$pr" ]; then
      aws sagemaker delete-model-package --model-package-name "$arn"
      say "Deleted model version $arn"
      deleted=$((deleted + 1))
    fi
  done
  [ "$deleted" -gt 0 ] || say "No model versions of pull request $pr in $MODEL_PACKAGE_GROUP."
}

cleanup() {
  local pr=$1
  delete_stack "${STACK_PREFIX}${pr}"
  delete_image_tags "$pr"
  delete_model_versions "$pr"
  summary "- Preview of pull request #$pr deleted: stack ${STACK_PREFIX}${pr}, image tags pr-${pr}-*, its model versions."
  DELETED="${DELETED:+$DELETED }$pr"
}

pull_request_state() {
  curl -fsS -H "Authorization: Bearer $GITHUB_TOKEN" -H 'Accept: application/vnd.github+json' \
    "${GITHUB_API_URL:-https://api.github.com}/repos/$GITHUB_REPOSITORY/pulls/$1" | jq -r .state
}

DELETED=''
if [ -n "$PULL_REQUEST" ]; then
  cleanup "$PULL_REQUEST"
elif [ "$SWEEP" = true ]; then
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  summary "### Preview sweep at $now"
  # name, pull request, expires-at of every preview stack with this prefix (tab-separated).
  previews=$(aws cloudformation describe-stacks --output text --query \
    "Stacks[?starts_with(StackName, '${STACK_PREFIX}') && Tags[?Key=='modelship:preview' && Value=='true']].[StackName, Tags[?Key=='modelship:pull-request']|[0].Value, Tags[?Key=='modelship:expires-at']|[0].Value]")
  while IFS=$'\t' read -r stack pr expires; do
    [ -z "$stack" ] && continue
    if [[ "$expires" != None && "$expires" < "$now" || "$expires" == "$now" ]]; then
      say "$stack expired at $expires."
      cleanup "$pr"
    elif [ "$(pull_request_state "$pr")" = closed ]; then
      say "$stack belongs to closed pull request #$pr."
      cleanup "$pr"
    else
      say "$stack is kept: pull request #$pr is open and the preview expires at $expires."
    fi
  done <<< "$previews"
  [ -n "$DELETED" ] || summary "No preview was closed or expired."
else
  echo "::error::Give pull-request (the preview to delete) or sweep: true."
  exit 1
fi
echo "deleted=$DELETED" >> "$GITHUB_OUTPUT"
