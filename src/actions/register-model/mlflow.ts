import { ActionError, describeError } from '../../lib/errors.js';
import { approvalDescription, approvalProperties, checkDeployable, checkStatusChange } from './approval.js';
import { sameImage } from './image-uri.js';
import { lineageProperties } from './lineage.js';
import type { MlflowClient, MlflowModelVersion } from './mlflow-client.js';
import type { Log } from '../../lib/log.js';
import type {
  ApprovalStatus,
  MlflowRegistration,
  RegisteredVersion,
  StatusChange,
  VersionReference,
  Wanted
} from './types.js';

/** Version tags naming the image and approval status, next to the lineage and metric tags. */
export const IMAGE_URI_TAG = 'image.uri';
export const APPROVAL_STATUS_TAG = 'approval-status';
export const APPROVAL_DESCRIPTION_TAG = 'approval.description';

export function versionTags(registration: MlflowRegistration): Record<string, string> {
  return {
    ...lineageProperties(registration.lineage, registration.metrics),
    [IMAGE_URI_TAG]: registration.imageUri,
    [APPROVAL_STATUS_TAG]: registration.approvalStatus
  };
}

/**
 * Registers the image as a version of the registered model (created when missing) and points the alias
 * at it. A version already holding the same image is reused and the alias moved to it. What this call
 * created is removed again when a later step fails.
 */
export async function registerMlflow(
  client: MlflowClient,
  registration: MlflowRegistration,
  log: Log
): Promise<RegisteredVersion> {
  const modelExists = await client.getRegisteredModel(registration.name);
  let existing: MlflowModelVersion | undefined;
  if (modelExists) {
    existing = (await client.versionsOf(registration.name)).find((version) =>
      sameImage(imageOf(version), registration.imageUri)
    );
  } else {
    log.info(`Creating registered model ${registration.name}.`);
    await client.createRegisteredModel(registration.name, registration.description, registration.tags);
  }

  let version = existing;
  try {
    if (version) {
      log.info(
        `${registration.name} version ${version.version} already holds ${registration.imageUri}: not registering again.`
      );
    } else {
      version = await client.createModelVersion({
        name: registration.name,
        source: registration.source,
        ...(registration.runId !== undefined && { runId: registration.runId }),
        runLink: registration.lineage.runUrl,
        description: registration.description,
        tags: versionTags(registration)
      });
      log.info(`Registered ${registration.name} version ${version.version}.`);
    }
    if (registration.alias !== undefined) {
      await client.setAlias(registration.name, registration.alias, version.version);
      log.info(`Alias ${registration.alias} now points at version ${version.version}.`);
    }
  } catch (error) {
    await undo(client, registration.name, existing ? undefined : version, !modelExists, log);
    throw error;
  }
  return versionOf(await client.getModelVersion(registration.name, version.version), existing === undefined);
}

/**
 * The version to deploy: the one named, or the one an alias points at (e.g. `champion`), with its image
 * URI. Never a Rejected version; with `approvalStatus`, only one with that status.
 */
export async function resolveMlflow(
  client: MlflowClient,
  name: string,
  wanted: Wanted
): Promise<RegisteredVersion> {
  let version: RegisteredVersion;
  if (wanted.version !== undefined) {
    version = versionOf(await getVersion(client, name, wanted.version), false);
  } else {
    const alias = wanted.alias ?? '';
    try {
      version = versionOf(await client.versionByAlias(name, alias), false);
    } catch (error) {
      if (isMissing(error)) {
        throw new ActionError(
          `Registered model ${name} has no alias ${alias} (${error.message}).`,
          "Check 'model-name' and 'alias', or register a version with that alias first."
        );
      }
      throw error;
    }
  }
  checkDeployable(version, wanted.approvalStatus);
  return version;
}

/**
 * Sets a version's approval status (its approval-status tag), with who set it, in which run and why. The
 * alias stands for the status in MLflow's way: an approved version takes it (`champion`); a rejected
 * version that holds it hands it back to the newest other Approved version (or it is removed).
 * `beforeApproval` runs before a version becomes (or when it already is) Approved; when it fails, the
 * status is not changed.
 */
export async function setMlflowStatus(
  client: MlflowClient,
  name: string,
  change: StatusChange,
  alias: string | undefined,
  log: Log,
  beforeApproval?: (version: RegisteredVersion) => Promise<void>
): Promise<RegisteredVersion> {
  const current = versionOf(await getVersion(client, name, change.version), false);
  const number = String(current.version);
  const transition = checkStatusChange(current, change.approvalStatus);
  if (change.approvalStatus === 'Approved') await beforeApproval?.(current);
  if (transition === 'change') {
    const description = approvalDescription(change);
    const tags = {
      ...approvalProperties(change),
      [APPROVAL_DESCRIPTION_TAG]: description,
      [APPROVAL_STATUS_TAG]: change.approvalStatus
    };
    for (const [key, value] of Object.entries(tags)) await client.setVersionTag(name, number, key, value);
    log.info(`${current.id}: ${current.approvalStatus || '(no status)'} → ${description}.`);
  } else {
    log.info(`${current.id} is already ${change.approvalStatus}.`);
  }
  if (alias !== undefined) await moveAlias(client, name, alias, current, change.approvalStatus, log);
  return versionOf(await client.getModelVersion(name, number), false);
}

async function moveAlias(
  client: MlflowClient,
  name: string,
  alias: string,
  version: RegisteredVersion,
  status: ApprovalStatus,
  log: Log
): Promise<void> {
  const number = String(version.version);
  if (status === 'Approved') {
    await client.setAlias(name, alias, number);
    log.info(`Alias ${alias} now points at version ${number}.`);
    return;
  }
  const holder = await client.versionByAlias(name, alias).catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  if (holder?.version !== number) return;
  const previous = (await client.versionsOf(name)).find(
    (candidate) => candidate.version !== number && tagOf(candidate, APPROVAL_STATUS_TAG) === 'Approved'
  );
  if (previous) {
    await client.setAlias(name, alias, previous.version);
    log.info(`Alias ${alias} is back on version ${previous.version}, the newest other Approved version.`);
  } else {
    await client.deleteAlias(name, alias);
    log.info(`Alias ${alias} removed: no other version is Approved.`);
  }
}

async function getVersion(
  client: MlflowClient,
  name: string,
  reference: VersionReference
): Promise<MlflowModelVersion> {
  const number = 'number' in reference ? String(reference.number) : reference.id.split('/').pop();
  if ('id' in reference && reference.id !== `${name}/${number}`) {
    throw new ActionError(`${reference.id} is not a version of ${name}.`, "Give a version of 'model-name'.");
  }
  try {
    return await client.getModelVersion(name, number ?? '');
  } catch (error) {
    if (isMissing(error)) {
      throw new ActionError(`Registered model ${name} has no version ${number}.`, "Check 'version'.");
    }
    throw error;
  }
}

function isMissing(error: unknown): error is Error {
  return error instanceof Error && 'errorCode' in error && error.errorCode === 'RESOURCE_DOES_NOT_EXIST';
}

function tagOf(version: MlflowModelVersion, key: string): string | undefined {
  return version.tags?.find((tag) => tag.key === key)?.value;
}

async function undo(
  client: MlflowClient,
  name: string,
  createdVersion: MlflowModelVersion | undefined,
  createdModel: boolean,
  log: Log
): Promise<void> {
  try {
    if (createdModel) await client.deleteRegisteredModel(name);
    else if (createdVersion) await client.deleteModelVersion(name, createdVersion.version);
  } catch (error) {
    log.warning(`Could not remove what this run registered in ${name}: ${describeError(error)}`);
  }
}

function imageOf(version: MlflowModelVersion): string {
  return tagOf(version, IMAGE_URI_TAG) ?? version.source ?? '';
}

function versionOf(version: MlflowModelVersion, created: boolean): RegisteredVersion {
  const tags = Object.fromEntries((version.tags ?? []).map((tag) => [tag.key, tag.value]));
  return {
    id: `${version.name}/${version.version}`,
    version: Number(version.version),
    approvalStatus: tags[APPROVAL_STATUS_TAG] ?? '',
    imageUri: imageOf(version),
    created,
    properties: tags,
    ...(tags[APPROVAL_DESCRIPTION_TAG] !== undefined && {
      approvalDescription: tags[APPROVAL_DESCRIPTION_TAG]
    })
  };
}
