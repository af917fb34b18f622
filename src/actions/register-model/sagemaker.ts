import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  UpdateModelPackageCommand,
  type DescribeModelPackageCommandOutput,
  type ModelPackageSummary,
  type SageMakerClient
} from '@aws-sdk/client-sagemaker';
import { ActionError, describeError } from '../../lib/errors.js';
import { approvalDescription, approvalProperties, checkDeployable, checkStatusChange } from './approval.js';
import { sameImage } from './image-uri.js';
import { modelPackageGroupRequest, modelPackageRequest } from './sagemaker-request.js';
import type { Log } from '../../lib/log.js';
import type {
  RegisteredVersion,
  SageMakerRegistration,
  StatusChange,
  VersionReference,
  Wanted
} from './types.js';

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

/**
 * The version to deploy: the one named (never a Rejected one; with `approvalStatus`, only one with that
 * status), else the newest version of the group with the approval status, e.g. the latest Approved one.
 */
export async function resolveSageMaker(
  client: SageMakerClient,
  group: string,
  wanted: Wanted
): Promise<RegisteredVersion> {
  await requireGroup(client, group);
  if (wanted.version !== undefined) {
    const version = versionOf(await describeVersion(client, group, wanted.version), false);
    checkDeployable(version, wanted.approvalStatus);
    return version;
  }
  const approvalStatus = wanted.approvalStatus ?? 'Approved';
  const listed = await client.send(
    new ListModelPackagesCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: approvalStatus,
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

/**
 * Sets a version's approval status, recording who set it, in which run and why (ApprovalDescription,
 * and customer metadata). A Rejected version stays Rejected; a version already in the status is left as is.
 * `beforeApproval` runs before a version becomes (or when it already is) Approved; when it fails, the
 * status is not changed.
 */
export async function setSageMakerStatus(
  client: SageMakerClient,
  group: string,
  change: StatusChange,
  log: Log,
  beforeApproval?: (version: RegisteredVersion) => Promise<void>
): Promise<RegisteredVersion> {
  await requireGroup(client, group);
  const current = versionOf(await describeVersion(client, group, change.version), false);
  const same = checkStatusChange(current, change.approvalStatus) === 'same';
  if (change.approvalStatus === 'Approved') await beforeApproval?.(current);
  if (same) {
    log.info(
      `${current.id} is already ${change.approvalStatus}${current.approvalDescription ? ` (${current.approvalDescription})` : ''}.`
    );
    return current;
  }
  const description = approvalDescription(change);
  await client.send(
    new UpdateModelPackageCommand({
      ModelPackageArn: current.id,
      ModelApprovalStatus: change.approvalStatus,
      ApprovalDescription: description,
      CustomerMetadataProperties: approvalProperties(change)
    })
  );
  log.info(`${current.id}: ${current.approvalStatus} → ${description}.`);
  return versionOf(
    await client.send(new DescribeModelPackageCommand({ ModelPackageName: current.id })),
    false
  );
}

async function requireGroup(client: SageMakerClient, group: string): Promise<void> {
  if (!(await findGroup(client, group))) {
    throw new ActionError(
      `Model package group ${group} does not exist.`,
      "Check 'model-name', or register a version first."
    );
  }
}

/** A version by its ARN (which must belong to the group), or by its number in the group. */
async function describeVersion(
  client: SageMakerClient,
  group: string,
  reference: VersionReference
): Promise<DescribeModelPackageCommandOutput> {
  const arn = 'id' in reference ? reference.id : await findVersionArn(client, group, reference.number);
  let described: DescribeModelPackageCommandOutput;
  try {
    described = await client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
  } catch (error) {
    if (isMissing(error)) {
      throw new ActionError(`Model package ${arn} does not exist.`, "Check 'version'.");
    }
    throw error;
  }
  if (described.ModelPackageGroupName !== undefined && described.ModelPackageGroupName !== group) {
    throw new ActionError(
      `${arn} is a version of ${described.ModelPackageGroupName}, not of ${group}.`,
      "Give a version of the group named by 'model-name'."
    );
  }
  return described;
}

async function findVersionArn(client: SageMakerClient, group: string, number: number): Promise<string> {
  for await (const summary of versionsNewestFirst(client, group)) {
    if (summary.ModelPackageVersion === number && summary.ModelPackageArn) return summary.ModelPackageArn;
  }
  throw new ActionError(
    `Model package group ${group} has no version ${number}.`,
    "Check 'version' (aws sagemaker list-model-packages --model-package-group-name " + group + ' lists them).'
  );
}

/** The group's versions, newest first, page by page. */
async function* versionsNewestFirst(
  client: SageMakerClient,
  group: string
): AsyncGenerator<ModelPackageSummary> {
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
    yield* page.ModelPackageSummaryList ?? [];
    nextToken = page.NextToken;
  } while (nextToken);
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
  for await (const summary of versionsNewestFirst(client, group)) {
    const described = await client.send(
      new DescribeModelPackageCommand({ ModelPackageName: summary.ModelPackageArn })
    );
    const images = described.InferenceSpecification?.Containers?.map((container) => container.Image ?? '');
    if (images?.some((image) => sameImage(image, imageUri))) return described;
  }
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
    properties: described.CustomerMetadataProperties ?? {},
    ...(described.ApprovalDescription !== undefined && { approvalDescription: described.ApprovalDescription })
  };
}
