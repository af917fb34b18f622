import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  type DescribeModelPackageCommandOutput,
  type SageMakerClient
} from '@aws-sdk/client-sagemaker';
import { ActionError, describeError } from '../../lib/errors.js';
import { sameImage } from './image-uri.js';
import { modelPackageGroupRequest, modelPackageRequest } from './sagemaker-request.js';
import type { Log } from '../../lib/log.js';
import type { RegisteredVersion, SageMakerRegistration } from './types.js';

/**
 * Registers the image as a version of the model package group, creating the group when missing. A
 * version already holding the same image is returned instead (`created: false`). A group this call
 * created is deleted again when its first version cannot be created.
 */
export async function registerSageMaker(
  client: SageMakerClient,
  registration: SageMakerRegistration,
  log: Log
): Promise<RegisteredVersion> {
  const request = modelPackageRequest(registration);
  const groupExists = await findGroup(client, registration.group);
  if (groupExists) {
    const existing = await findVersionWithImage(client, registration.group, registration.imageUri);
    if (existing) {
      log.info(`${existing.ModelPackageArn} already holds ${registration.imageUri}: not registering again.`);
      return versionOf(existing, false);
    }
  } else {
    log.info(`Creating model package group ${registration.group}.`);
    await client.send(new CreateModelPackageGroupCommand(modelPackageGroupRequest(registration)));
  }
  let arn: string;
  try {
    const created = await client.send(new CreateModelPackageCommand(request));
    arn = created.ModelPackageArn ?? '';
  } catch (error) {
    if (!groupExists) await removeGroup(client, registration.group, log);
    throw error;
  }
  log.info(`Registered ${arn}.`);
  return versionOf(await client.send(new DescribeModelPackageCommand({ ModelPackageName: arn })), true);
}

/** The newest version of the group with the approval status, e.g. the latest Approved one to deploy. */
export async function resolveSageMaker(
  client: SageMakerClient,
  group: string,
  approvalStatus: string
): Promise<RegisteredVersion> {
  if (!(await findGroup(client, group))) {
    throw new ActionError(
      `Model package group ${group} does not exist.`,
      "Check 'model-name', or register a version first."
    );
  }
  const listed = await client.send(
    new ListModelPackagesCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: approvalStatus as 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 1
    })
  );
  const latest = listed.ModelPackageSummaryList?.[0]?.ModelPackageArn;
  if (!latest) {
    throw new ActionError(
      `Model package group ${group} has no version with approval status ${approvalStatus}.`,
      `Approve a version first (aws sagemaker update-model-package --model-package-arn <arn> --model-approval-status Approved).`
    );
  }
  return versionOf(await client.send(new DescribeModelPackageCommand({ ModelPackageName: latest })), false);
}

async function findGroup(client: SageMakerClient, group: string): Promise<boolean> {
  try {
    await client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }));
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** SageMaker answers a missing group with a ValidationException saying it does not exist. */
function isMissing(error: unknown): boolean {
  return (
    error instanceof Error && error.name === 'ValidationException' && /does not exist/i.test(error.message)
  );
}

/** Newest first, so a re-run for the latest image needs one Describe. */
async function findVersionWithImage(
  client: SageMakerClient,
  group: string,
  imageUri: string
): Promise<DescribeModelPackageCommandOutput | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListModelPackagesCommand({
        ModelPackageGroupName: group,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 100,
        ...(nextToken !== undefined && { NextToken: nextToken })
      })
    );
    for (const summary of page.ModelPackageSummaryList ?? []) {
      const described = await client.send(
        new DescribeModelPackageCommand({ ModelPackageName: summary.ModelPackageArn })
      );
      const images = described.InferenceSpecification?.Containers?.map((container) => container.Image ?? '');
      if (images?.some((image) => sameImage(image, imageUri))) return described;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

async function removeGroup(client: SageMakerClient, group: string, log: Log): Promise<void> {
  try {
    await client.send(new DeleteModelPackageGroupCommand({ ModelPackageGroupName: group }));
    log.info(`Deleted model package group ${group} again: its first version could not be created.`);
  } catch (error) {
    log.warning(
      `Could not delete the model package group ${group} this run created: ${describeError(error)}`
    );
  }
}

function versionOf(described: DescribeModelPackageCommandOutput, created: boolean): RegisteredVersion {
  return {
    id: described.ModelPackageArn ?? '',
    version: described.ModelPackageVersion ?? 0,
    approvalStatus: described.ModelApprovalStatus ?? '',
    imageUri: described.InferenceSpecification?.Containers?.[0]?.Image ?? '',
    created,
    properties: described.CustomerMetadataProperties ?? {}
  };
}
