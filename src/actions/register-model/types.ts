/** Where a version came from: the commit and the workflow run that registered it. */
export interface Lineage {
  repository: string;
  commit: string;
  ref: string;
  runUrl: string;
  pullRequest?: number;
}

/** Numeric metrics from the metrics JSON file, flattened to dotted names (`eval.r2`). */
export type Metrics = Record<string, number>;

export interface SageMakerRegistration {
  group: string;
  groupDescription: string;
  groupTags: Record<string, string>;
  imageUri: string;
  /** The image digest (sha256:...) when the URI is pinned by one; the idempotency key. */
  imageDigest?: string;
  modelDataUrl?: string;
  contentTypes: string[];
  responseTypes: string[];
  instanceTypes: string[];
  approvalStatus: ApprovalStatus;
  description: string;
  lineage: Lineage;
  metrics: Metrics;
  /** An S3 object holding the metrics report, referenced by ModelMetrics (SageMaker reads metrics from S3). */
  metricsS3Uri?: string;
}

export interface MlflowRegistration {
  name: string;
  description: string;
  tags: Record<string, string>;
  /** The version's source: the image URI, or an artifact URI when given. */
  source: string;
  imageUri: string;
  imageDigest?: string;
  runId?: string;
  alias?: string;
  approvalStatus: ApprovalStatus;
  lineage: Lineage;
  metrics: Metrics;
}

export const APPROVAL_STATUSES = ['PendingManualApproval', 'Approved', 'Rejected'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** What the action reports for a registered or resolved version. */
export interface RegisteredVersion {
  /** The model package ARN (SageMaker) or `name/version` (MLflow). */
  id: string;
  version: number;
  approvalStatus: string;
  imageUri: string;
  created: boolean;
  /** Lineage and metrics as recorded on the version, for the summary. */
  properties: Record<string, string>;
  /** Who set the approval status, where and why (SageMaker's ApprovalDescription, an MLflow tag). */
  approvalDescription?: string;
}

/** A version named by the `version` input: its number, or its full id (model package ARN, `name/version`). */
export type VersionReference = { number: number } | { id: string };

/** A change of a version's approval status, recorded on the version with who made it, where and why. */
export interface StatusChange {
  version: VersionReference;
  approvalStatus: ApprovalStatus;
  /**
   * The GitHub login that set it: the reviewer who approved the run's environment when `reviewedIn` finds
   * one, else the actor who triggered (or re-ran) the run.
   */
  by: string;
  runUrl: string;
  reason: string;
  /** The GitHub environment whose reviewer approved the run, and where to ask GitHub who that was. */
  reviewedIn?: ReviewedEnvironment;
}

export interface ReviewedEnvironment {
  name: string;
  apiUrl: string;
  /** The workflow's token (the job needs `actions: read`); empty outside GitHub: no lookup. */
  token: string;
  repository: string;
  runId: string;
}

/** What resolve looks for: a given version, or the newest with a status (SageMaker) or an alias (MLflow). */
export interface Wanted {
  version?: VersionReference;
  /** Resolve only a version with this status; without a version, the status looked for (Approved). */
  approvalStatus?: ApprovalStatus;
  alias?: string;
}
