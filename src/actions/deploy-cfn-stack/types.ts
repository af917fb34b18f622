import type {
  Capability,
  CloudFormationClient,
  OnStackFailure,
  Parameter,
  Tag
} from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Clock } from '../../lib/clock.js';
import type { Log } from '../../lib/log.js';

/** The template as CloudFormation receives it: inline, or a URL after an upload to S3. */
export type TemplateLocation = { body: string } | { url: string };

export interface TemplateSource {
  /** The file the template was read from, for messages. */
  path: string;
  body: string;
}

/** Everything a create-or-update deploy needs, already validated. */
export interface DeployRequest {
  stackName: string;
  template: TemplateSource;
  /** S3 bucket for templates over CloudFormation's inline limit. */
  templateBucket?: string;
  parameters: Parameter[];
  capabilities: Capability[];
  tags: Tag[];
  roleArn?: string;
  notificationArns: string[];
  /** What happens to the stack when the deploy fails (creation: OnStackFailure; update: DO_NOTHING disables rollback). */
  onFailure: OnStackFailure;
  /** Undefined leaves the stack's termination protection as it is. */
  terminationProtection?: boolean;
  /** How long to wait for the stack operation before giving up (and cancelling an update). */
  timeoutMinutes?: number;
  recreateFailedStack: boolean;
  waitForEndpoints: boolean;
  /** Names the change set and describes it: identifies the commit being deployed. */
  changeSetName: string;
  description: string;
}

export interface ResourceChangeRow {
  action: string;
  logicalId: string;
  type: string;
  replacement: string;
}

export interface DeployResult {
  stackId: string;
  stackStatus: string;
  changeSetId: string;
  noChanges: boolean;
  changes: ResourceChangeRow[];
  outputs: Record<string, string>;
}

export interface TeardownResult {
  stackId?: string;
  stackStatus: string;
  /** False when there was no stack to delete. */
  existed: boolean;
}

/** What the engine works with: clients (SageMaker and S3 only when needed), time, and where to report. */
export interface Engine {
  cloudformation: CloudFormationClient;
  /** Clients of the services only some deploys use, loaded on first use (loading the SDK costs start-up time). */
  sagemaker: () => Promise<SageMakerClient>;
  s3: () => Promise<S3Client>;
  region: string;
  clock: Clock;
  log: Log;
  /** Called with the change set's rows before it is executed (the action writes the job summary). */
  onChanges?: (stackName: string, rows: readonly ResourceChangeRow[]) => Promise<void>;
  /** A fresh idempotency token for each stack operation. */
  token: () => string;
}
