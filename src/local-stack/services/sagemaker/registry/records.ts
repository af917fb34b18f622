import type {
  DescribeModelPackageCommandOutput,
  ModelApprovalStatus,
  ModelPackageRegistrationType
} from '@aws-sdk/client-sagemaker';
import type { StateStore } from '../../../state.js';
import type { RequestContext, WireOutput } from '../../../wire/types.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface GroupRecord {
  ModelPackageGroupName: string;
  ModelPackageGroupArn: string;
  ModelPackageGroupDescription?: string;
  CreationTime: Date;
  /** Versions are numbered per group from 1 and never reused. */
  lastVersion: number;
}

/** A model package version as DescribeModelPackage returns it (the stored members are the wire members). */
export interface PackageRecord extends WireOutput<DescribeModelPackageCommandOutput> {
  ModelPackageName: string;
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  CreationTime: Date;
  ModelPackageStatus: 'Completed';
  ModelApprovalStatus: ModelApprovalStatus;
  ModelPackageRegistrationType: ModelPackageRegistrationType;
  groupArn: string;
  clientToken?: string;
}

interface RegistryDocument {
  /** Keyed by ARN, so regions and accounts never share a record. */
  groups: Record<string, GroupRecord>;
  packages: Record<string, PackageRecord>;
}

const DOCUMENT = 'sagemaker-model-registry';

/**
 * The Model Registry's records in the stack's StateStore. SageMaker puts names in ARNs in lower case and
 * treats group names case-insensitively, so lookups go through the ARN.
 */
export class ModelRegistryStore {
  constructor(private readonly state: StateStore) {}

  private get document(): RegistryDocument {
    return this.state.document<RegistryDocument>(DOCUMENT, () => ({ groups: {}, packages: {} }));
  }

  save(): void {
    this.state.save(DOCUMENT);
  }

  groupArn(context: RequestContext, name: string): string {
    return `arn:aws:sagemaker:${context.region}:${context.accountId}:model-package-group/${name.toLowerCase()}`;
  }

  packageArn(context: RequestContext, groupName: string, version: number): string {
    return `arn:aws:sagemaker:${context.region}:${context.accountId}:model-package/${groupName.toLowerCase()}/${version}`;
  }

  group(arn: string): GroupRecord | undefined {
    return this.document.groups[arn];
  }

  groups(context: RequestContext): GroupRecord[] {
    const prefix = `arn:aws:sagemaker:${context.region}:${context.accountId}:`;
    return Object.values(this.document.groups).filter((group) =>
      group.ModelPackageGroupArn.startsWith(prefix)
    );
  }

  putGroup(group: GroupRecord): void {
    this.document.groups[group.ModelPackageGroupArn] = group;
  }

  deleteGroup(arn: string): void {
    delete this.document.groups[arn];
  }

  package(arn: string): PackageRecord | undefined {
    return this.document.packages[arn];
  }

  packages(context: RequestContext): PackageRecord[] {
    const prefix = `arn:aws:sagemaker:${context.region}:${context.accountId}:`;
    return Object.values(this.document.packages).filter((record) =>
      record.ModelPackageArn.startsWith(prefix)
    );
  }

  packagesOf(groupArn: string): PackageRecord[] {
    return Object.values(this.document.packages).filter((record) => record.groupArn === groupArn);
  }

  putPackage(record: PackageRecord): void {
    this.document.packages[record.ModelPackageArn] = record;
  }

  deletePackage(arn: string): void {
    delete this.document.packages[arn];
  }
}
