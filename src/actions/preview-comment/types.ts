/** One smoke case as the comment shows it. */
export interface SmokeCaseRow {
  name: string;
  passed: boolean;
  status?: number;
  latencyMs: number;
}

/** Latency percentiles in milliseconds: of the load phase, else of the cases' single requests. */
export interface LatencyPoints {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Requests the percentiles come from. */
  requests: number;
}

export interface SmokeSummary {
  passed: number;
  failed: number;
  cases: SmokeCaseRow[];
  latency?: LatencyPoints;
}

/** A CloudFormation resource change, as deploy-cfn-stack's `changes` output lists it. */
export interface ChangeRow {
  action: string;
  logicalId: string;
  type: string;
  replacement: string;
}

/** What one run of the preview deployed and measured. */
export interface Deployment {
  outcome: 'deployed' | 'failed';
  endpointName: string;
  stackName: string;
  region: string;
  commit: string;
  imageUri?: string;
  modelPackageArn?: string;
  smoke?: SmokeSummary;
  /** Undefined when the deploy step reported none (it did not run). */
  changes?: ChangeRow[];
  runUrl?: string;
}

/** The version a later deployment is compared with. */
export interface PreviousVersion {
  label: string;
  latency: LatencyPoints;
}

/** Kept inside the comment itself, so the next run finds the previous version without other storage. */
export interface CommentState {
  deployment?: Deployment;
  previous?: PreviousVersion;
  tornDownAt?: string;
}
