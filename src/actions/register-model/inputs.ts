import { InputError } from '../../lib/errors.js';
import type { GitHubContext } from '../../lib/github-context.js';
import {
  getBoolean,
  getEnum,
  getKeyValues,
  getList,
  getOptionalString,
  getString,
  type InputReader
} from '../../lib/inputs.js';
import { runUrl } from '../../lib/github-context.js';
import { redactUrl, splitUrlCredentials, type Mask } from '../../lib/secrets.js';
import { imageDigest } from './image-uri.js';
import { lineageOf } from './lineage.js';
import { readMetrics } from './metrics.js';
import {
  APPROVAL_STATUSES,
  type ApprovalStatus,
  type Metrics,
  type MlflowRegistration,
  type SageMakerRegistration,
  type StatusChange,
  type VersionReference,
  type Wanted
} from './types.js';

export const Input = {
  Backend: 'backend',
  Mode: 'mode',
  ModelName: 'model-name',
  ImageUri: 'image-uri',
  RequireDigest: 'require-digest',
  ApprovalStatus: 'approval-status',
  Description: 'description',
  ModelDescription: 'model-description',
  Tags: 'tags',
  MetricsFile: 'metrics-file',
  MetricsS3Uri: 'metrics-s3-uri',
  ModelDataUrl: 'model-data-url',
  ContentTypes: 'content-types',
  ResponseTypes: 'response-types',
  InstanceTypes: 'instance-types',
  TrackingUri: 'tracking-uri',
  ArtifactUri: 'artifact-uri',
  RunId: 'run-id',
  Alias: 'alias',
  Version: 'version',
  Reason: 'reason',
  ApprovalEnvironment: 'approval-environment',
  GitHubToken: 'github-token',
  AwsRegion: 'aws-region',
  TagApprovedImage: 'tag-approved-image'
} as const;

export const Output = {
  ModelPackageArn: 'model-package-arn',
  Version: 'version',
  ApprovalStatus: 'approval-status',
  ImageUri: 'image-uri',
  Created: 'created',
  ApprovalDescription: 'approval-description',
  ReleaseTag: 'release-tag'
} as const;

export const MODES = ['register', 'resolve', 'set-status'] as const;

export type Inputs =
  | {
      backend: 'sagemaker';
      mode: 'register';
      region: string | undefined;
      registration: SageMakerRegistration;
      tagApprovedImage: boolean;
    }
  | { backend: 'sagemaker'; mode: 'resolve'; region: string | undefined; group: string; wanted: Wanted }
  | {
      backend: 'sagemaker';
      mode: 'set-status';
      region: string | undefined;
      group: string;
      change: StatusChange;
      tagApprovedImage: boolean;
    }
  | (MlflowServer & {
      backend: 'mlflow';
      mode: 'register';
      registration: MlflowRegistration;
      region: string | undefined;
      tagApprovedImage: boolean;
    })
  | (MlflowServer & { backend: 'mlflow'; mode: 'resolve'; name: string; wanted: Wanted })
  | (MlflowServer & {
      backend: 'mlflow';
      mode: 'set-status';
      name: string;
      change: StatusChange;
      alias: string | undefined;
      region: string | undefined;
      tagApprovedImage: boolean;
    });

/** The tracking server: its URL without user information, and the credentials taken out of it. */
interface MlflowServer {
  trackingUri: string;
  /** Basic auth from the URL's user information. */
  urlAuthorization?: string;
}

export interface InputEnvironment {
  context: GitHubContext;
  warn: (message: string) => void;
  /** Registers a credential with the runner the moment it is read. */
  mask: Mask;
}

/** SageMaker's EntityName rule for model package group names. */
const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** MLflow alias names: letters, digits, '_' and '-', and not `latest` or `v<number>` (reserved). */
const ALIAS = /^[A-Za-z0-9_-]{1,255}$/;
const S3_URI = /^s3:\/\/[^/]+\/.+$/;
const MODEL_DATA_URL = /^(https|s3):\/\/[^/]+\/?.*$/;

export function parseInputs(read: InputReader, environment: InputEnvironment): Inputs {
  const backend = getEnum(read, Input.Backend, ['sagemaker', 'mlflow'] as const, 'sagemaker');
  const mode = getEnum(read, Input.Mode, MODES, 'register');
  const name = getString(read, Input.ModelName, { required: true });
  if (backend === 'sagemaker') {
    const group = parseGroupName(name);
    const region = getOptionalString(read, Input.AwsRegion);
    if (mode === 'resolve') {
      const wanted = parseWanted(read, backend, group);
      return { backend, mode, region, group, wanted };
    }
    const tagApprovedImage = getBoolean(read, Input.TagApprovedImage, true);
    if (mode === 'set-status') {
      const change = parseStatusChange(read, environment, backend, group);
      return { backend, mode, region, group, change, tagApprovedImage };
    }
    const registration = parseSageMakerRegistration(read, environment, group);
    return { backend, mode, region, registration, tagApprovedImage };
  }

  const server = parseTrackingUri(getString(read, Input.TrackingUri, { required: true }), environment.mask);
  const alias = parseAlias(getOptionalString(read, Input.Alias));
  if (mode === 'resolve') {
    const wanted = parseWanted(read, backend, name);
    if (alias === undefined && wanted.version === undefined) {
      throw new InputError(
        Input.Alias,
        "is required to resolve an MLflow version, unless 'version' names one",
        "Set 'alias', e.g. 'champion', or 'version'."
      );
    }
    return {
      backend,
      mode,
      ...server,
      name,
      wanted: { ...wanted, ...(alias !== undefined && { alias }) }
    };
  }
  // The ECR side of an MLflow version: its image gets a release tag when Approved, as on SageMaker.
  const ecr = {
    region: getOptionalString(read, Input.AwsRegion),
    tagApprovedImage: getBoolean(read, Input.TagApprovedImage, true)
  };
  if (mode === 'set-status') {
    return {
      backend,
      mode,
      ...server,
      name,
      change: parseStatusChange(read, environment, backend, name),
      alias,
      ...ecr
    };
  }
  const common = parseCommon(read, environment);
  const runId = getOptionalString(read, Input.RunId);
  const registration: MlflowRegistration = {
    name,
    description: getString(read, Input.Description),
    tags: Object.fromEntries(getKeyValues(read, Input.Tags)),
    source: getOptionalString(read, Input.ArtifactUri) ?? common.imageUri,
    imageUri: common.imageUri,
    ...(common.imageDigest !== undefined && { imageDigest: common.imageDigest }),
    ...(runId !== undefined && { runId }),
    ...(alias !== undefined && { alias }),
    approvalStatus: common.approvalStatus,
    lineage: lineageOf(environment.context),
    metrics: common.metrics
  };
  return { backend, mode, ...server, registration, ...ecr };
}

interface CommonRegistration {
  imageUri: string;
  imageDigest?: string;
  approvalStatus: ApprovalStatus;
  metrics: Metrics;
}

function parseCommon(read: InputReader, environment: InputEnvironment): CommonRegistration {
  const imageUri = getString(read, Input.ImageUri, { required: true });
  if (/\s/.test(imageUri) || imageUri.length > 255) {
    throw new InputError(
      Input.ImageUri,
      `'${imageUri}' is not an image reference`,
      "Pass push-ecr's 'image-uri' output (<registry>/<repository>@sha256:<digest>)."
    );
  }
  const digest = imageDigest(imageUri);
  if (digest === undefined) {
    const problem = `'${imageUri}' is not pinned by a digest, so the registered version could later name another image`;
    if (getBoolean(read, Input.RequireDigest, false)) {
      throw new InputError(
        Input.ImageUri,
        problem,
        "Pass push-ecr's 'image-uri' output, which ends in @sha256:<digest>."
      );
    }
    environment.warn(
      `Input '${Input.ImageUri}': ${problem}, and every run registers a new version. ` +
        'Set require-digest: true to refuse such URIs.'
    );
  }
  const metricsFile = getOptionalString(read, Input.MetricsFile);
  return {
    imageUri,
    ...(digest !== undefined && { imageDigest: digest }),
    approvalStatus: getEnum(read, Input.ApprovalStatus, APPROVAL_STATUSES, 'PendingManualApproval'),
    metrics:
      metricsFile === undefined
        ? {}
        : readMetrics(Input.MetricsFile, metricsFile, environment.context.workspace)
  };
}

function parseSageMakerRegistration(
  read: InputReader,
  environment: InputEnvironment,
  group: string
): SageMakerRegistration {
  const common = parseCommon(read, environment);
  const modelDataUrl = getOptionalString(read, Input.ModelDataUrl);
  if (modelDataUrl !== undefined && !MODEL_DATA_URL.test(modelDataUrl)) {
    throw new InputError(
      Input.ModelDataUrl,
      `'${modelDataUrl}' is not an s3:// or https:// URL`,
      'Give the S3 URI of the model archive (s3://bucket/path/model.tar.gz), or leave it empty when the image holds the model.'
    );
  }
  const metricsS3Uri = getOptionalString(read, Input.MetricsS3Uri);
  if (metricsS3Uri !== undefined && !S3_URI.test(metricsS3Uri)) {
    throw new InputError(
      Input.MetricsS3Uri,
      `'${metricsS3Uri}' is not an S3 object URI`,
      'Give s3://<bucket>/<key> of the metrics report (SageMaker reads ModelMetrics from S3).'
    );
  }
  return {
    group,
    groupDescription: getString(read, Input.ModelDescription),
    groupTags: Object.fromEntries(getKeyValues(read, Input.Tags)),
    imageUri: common.imageUri,
    ...(common.imageDigest !== undefined && { imageDigest: common.imageDigest }),
    ...(modelDataUrl !== undefined && { modelDataUrl }),
    contentTypes: listOr(getList(read, Input.ContentTypes), ['application/json']),
    responseTypes: listOr(getList(read, Input.ResponseTypes), ['application/json']),
    instanceTypes: getList(read, Input.InstanceTypes),
    approvalStatus: common.approvalStatus,
    description: getString(read, Input.Description),
    lineage: lineageOf(environment.context),
    metrics: common.metrics,
    ...(metricsS3Uri !== undefined && { metricsS3Uri })
  };
}

/**
 * Resolving: a given version may have any status but Rejected unless approval-status is set; without a
 * version, the newest version with approval-status (Approved by default) on SageMaker, the alias on MLflow.
 */
function parseWanted(read: InputReader, backend: 'sagemaker' | 'mlflow', name: string): Wanted {
  const version = parseVersion(getOptionalString(read, Input.Version), backend, name);
  const given =
    getOptionalString(read, Input.ApprovalStatus) === undefined
      ? undefined
      : getEnum(read, Input.ApprovalStatus, APPROVAL_STATUSES, 'Approved');
  const approvalStatus = given ?? (version === undefined && backend === 'sagemaker' ? 'Approved' : undefined);
  if (approvalStatus === 'Rejected') {
    throw new InputError(
      Input.ApprovalStatus,
      'Rejected cannot be resolved: resolve finds a version to deploy, and a rejected version is never deployed',
      'Use Approved (or PendingManualApproval for a staging deploy), or leave it empty.'
    );
  }
  return {
    ...(version !== undefined && { version }),
    ...(approvalStatus !== undefined && { approvalStatus })
  };
}

function parseStatusChange(
  read: InputReader,
  environment: InputEnvironment,
  backend: 'sagemaker' | 'mlflow',
  name: string
): StatusChange {
  const version = parseVersion(getString(read, Input.Version, { required: true }), backend, name);
  if (getOptionalString(read, Input.ApprovalStatus) === undefined) {
    throw new InputError(
      Input.ApprovalStatus,
      'is required to set a status',
      'Set it to Approved, Rejected or PendingManualApproval.'
    );
  }
  const { context } = environment;
  const reviewed = getOptionalString(read, Input.ApprovalEnvironment);
  const token = getString(read, Input.GitHubToken);
  if (token) environment.mask(token);
  return {
    version: version!,
    approvalStatus: getEnum(read, Input.ApprovalStatus, APPROVAL_STATUSES, 'Approved'),
    by: context.actor ?? '',
    runUrl: runUrl(context),
    reason: getString(read, Input.Reason),
    ...(reviewed !== undefined && {
      reviewedIn: {
        name: reviewed,
        apiUrl: context.apiUrl ?? 'https://api.github.com',
        token,
        repository: context.repository,
        runId: context.runId
      }
    })
  };
}

const SAGEMAKER_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[^/]+\/\d+$/;

/** A version number, or the full id the action outputs (a model package ARN, or MLflow's `name/version`). */
function parseVersion(
  value: string | undefined,
  backend: 'sagemaker' | 'mlflow',
  name: string
): VersionReference | undefined {
  if (value === undefined) return undefined;
  if (/^[1-9]\d*$/.test(value)) return { number: Number(value) };
  if (backend === 'sagemaker' ? SAGEMAKER_PACKAGE_ARN.test(value) : value.startsWith(`${name}/`)) {
    return { id: value };
  }
  throw new InputError(
    Input.Version,
    `'${value}' is not a version of ${name}`,
    backend === 'sagemaker'
      ? "Give the version number (e.g. '3') or its model package ARN (register-model's model-package-arn output)."
      : `Give the version number (e.g. '3') or '${name}/<number>'.`
  );
}

export function parseGroupName(name: string): string {
  if (!GROUP_NAME.test(name)) {
    throw new InputError(
      Input.ModelName,
      `'${name}' is not a valid model package group name`,
      'Use 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit (no underscores or dots).'
    );
  }
  return name;
}

/** Credentials in the URL (`https://user:password@host`) are masked and sent as basic auth, as MLflow's client does. */
function parseTrackingUri(value: string, mask: Mask): MlflowServer {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      Input.TrackingUri,
      `'${redactUrl(value)}' is not a URL`,
      'Give the server URL, e.g. https://mlflow.example.com.'
    );
  }
  const { url: trackingUri, authorization } = splitUrlCredentials(value, mask);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      Input.TrackingUri,
      `'${trackingUri}' is not an http(s) URL`,
      'register-model talks to a tracking server over its REST API: give its http:// or https:// URL.'
    );
  }
  return { trackingUri, ...(authorization !== undefined && { urlAuthorization: authorization }) };
}

function parseAlias(alias: string | undefined): string | undefined {
  if (alias === undefined) return undefined;
  if (!ALIAS.test(alias) || alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
    throw new InputError(
      Input.Alias,
      `'${alias}' is not a usable MLflow alias`,
      "Use letters, digits, '_' and '-' (not 'latest' or v<number>, which MLflow reserves), e.g. 'champion'."
    );
  }
  return alias;
}

function listOr(values: string[], fallback: string[]): string[] {
  return values.length > 0 ? values : fallback;
}
