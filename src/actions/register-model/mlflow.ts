import { ActionError, describeError } from '../../lib/errors.js';
import { sameImage } from './image-uri.js';
import { lineageProperties } from './lineage.js';
import type { MlflowClient, MlflowModelVersion } from './mlflow-client.js';
import type { Log } from '../../lib/log.js';
import type { MlflowRegistration, RegisteredVersion } from './types.js';

/** Version tags naming the image and approval status, next to the lineage and metric tags. */
export const IMAGE_URI_TAG = 'image.uri';
export const APPROVAL_STATUS_TAG = 'approval-status';

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

/** The version an alias points at (e.g. `champion`), with its image URI. */
export async function resolveMlflow(
  client: MlflowClient,
  name: string,
  alias: string
): Promise<RegisteredVersion> {
  try {
    return versionOf(await client.versionByAlias(name, alias), false);
  } catch (error) {
    if (error instanceof Error && 'errorCode' in error && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') {
      throw new ActionError(
        `Registered model ${name} has no alias ${alias} (${error.message}).`,
        "Check 'model-name' and 'alias', or register a version with that alias first."
      );
    }
    throw error;
  }
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
  return version.tags?.find((tag) => tag.key === IMAGE_URI_TAG)?.value ?? version.source ?? '';
}

function versionOf(version: MlflowModelVersion, created: boolean): RegisteredVersion {
  const tags = Object.fromEntries((version.tags ?? []).map((tag) => [tag.key, tag.value]));
  return {
    id: `${version.name}/${version.version}`,
    version: Number(version.version),
    approvalStatus: tags[APPROVAL_STATUS_TAG] ?? '',
    imageUri: imageOf(version),
    created,
    properties: tags
  };
}
