import type {
  CreateModelPackageCommandInput,
  CreateModelPackageCommandOutput,
  CreateModelPackageGroupCommandInput,
  CreateModelPackageGroupCommandOutput,
  DeleteModelPackageCommandInput,
  DeleteModelPackageCommandOutput,
  DeleteModelPackageGroupCommandInput,
  DeleteModelPackageGroupCommandOutput,
  DescribeModelPackageCommandInput,
  DescribeModelPackageCommandOutput,
  DescribeModelPackageGroupCommandInput,
  DescribeModelPackageGroupCommandOutput,
  ListModelPackageGroupsCommandInput,
  ListModelPackageGroupsCommandOutput,
  ListModelPackagesCommandInput,
  ListModelPackagesCommandOutput,
  ModelPackageSummary,
  UpdateModelPackageCommandInput,
  UpdateModelPackageCommandOutput
} from '@aws-sdk/client-sagemaker';
import { AwsServiceError, validationError } from '../../../wire/errors.js';
import {
  asGiven,
  defineOperations,
  type WireOutput,
  type OperationTable,
  type RequestContext,
  type WireInput
} from '../../../wire/types.js';
import { pageOfList, parseListRequest, type ListRequest } from '../hosting/validation.js';
import { ModelRegistryStore, type GroupRecord, type PackageRecord } from './records.js';
import {
  optionalApprovalStatus,
  optionalEnum,
  optionalInferenceSpecification,
  optionalMetadata,
  optionalModelMetrics,
  optionalTags,
  optionalText,
  requireEntityName,
  requireGroupName,
  requireVersionedName
} from './validation.js';
import { TagStore, type TaggableCheck } from '../tags.js';

const SORT_KEYS = ['Name', 'CreationTime'];
/** Members CreateModelPackage keeps as given and DescribeModelPackage returns. */
const STORED_MEMBERS = [
  'ModelPackageDescription',
  'MetadataProperties',
  'Domain',
  'Task',
  'SamplePayloadUrl',
  'SkipModelValidation',
  'SourceUri',
  'CertifyForMarketplace'
] as const satisfies readonly (keyof CreateModelPackageCommandInput)[];

type RegistryOperations = {
  CreateModelPackageGroup: [CreateModelPackageGroupCommandInput, CreateModelPackageGroupCommandOutput];
  DescribeModelPackageGroup: [DescribeModelPackageGroupCommandInput, DescribeModelPackageGroupCommandOutput];
  ListModelPackageGroups: [ListModelPackageGroupsCommandInput, ListModelPackageGroupsCommandOutput];
  DeleteModelPackageGroup: [DeleteModelPackageGroupCommandInput, DeleteModelPackageGroupCommandOutput];
  CreateModelPackage: [CreateModelPackageCommandInput, CreateModelPackageCommandOutput];
  DescribeModelPackage: [DescribeModelPackageCommandInput, DescribeModelPackageCommandOutput];
  ListModelPackages: [ListModelPackagesCommandInput, ListModelPackagesCommandOutput];
  UpdateModelPackage: [UpdateModelPackageCommandInput, UpdateModelPackageCommandOutput];
  DeleteModelPackage: [DeleteModelPackageCommandInput, DeleteModelPackageCommandOutput];
};

/** Model package groups and versions carry tags. */
export const registryTaggable: TaggableCheck = (arn, context) => {
  const store = new ModelRegistryStore(context.state);
  return store.group(arn) !== undefined || store.package(arn) !== undefined;
};

/**
 * Reads a model package version named by ARN or `<group>/<version>` (as CreateModel's ModelPackageName
 * does), with the ValidationException DescribeModelPackage gives for one that does not exist.
 */
export function readModelPackage(
  context: RequestContext,
  name: string
): WireOutput<DescribeModelPackageCommandOutput> {
  const store = new ModelRegistryStore(context.state);
  const { group, version } = requireVersionedName({ ModelPackageName: name }, 'ModelPackageName');
  const arn = store.packageArn(context, group, version);
  const record = store.package(arn);
  if (!record) throw packageNotFound(arn);
  return describePackage(record);
}

/**
 * SageMaker's Model Registry: model package groups and their numbered, versioned model packages with
 * approval status, customer metadata, metrics and tags. Unversioned (Marketplace) packages are not emulated.
 */
export function modelRegistryOperations(): OperationTable {
  const storeOf = (context: RequestContext) => new ModelRegistryStore(context.state);

  const requireGroup = (store: ModelRegistryStore, context: RequestContext, name: string): GroupRecord => {
    const arn = store.groupArn(context, name);
    const group = store.group(arn);
    if (!group) throw validationError(`ModelPackageGroup ${arn} does not exist.`);
    return group;
  };
  const requirePackage = <In>(
    store: ModelRegistryStore,
    context: RequestContext,
    value: WireInput<In>,
    member: keyof In & string
  ) => {
    const { group, version } = requireVersionedName(value, member);
    const arn = store.packageArn(context, group, version);
    const record = store.package(arn);
    if (!record) throw packageNotFound(arn);
    return record;
  };
  return defineOperations<RegistryOperations>({
    CreateModelPackageGroup(input, context) {
      const store = storeOf(context);
      const name = requireEntityName(input, 'ModelPackageGroupName');
      const description = optionalText(input, 'ModelPackageGroupDescription', 1024);
      const tags = optionalTags(input, 'Tags');
      const arn = store.groupArn(context, name);
      if (store.group(arn)) throw validationError(`Model Package Group already exists: ${arn}`);
      store.putGroup({
        ModelPackageGroupName: name,
        ModelPackageGroupArn: arn,
        ...(description !== undefined && { ModelPackageGroupDescription: description }),
        CreationTime: new Date(),
        lastVersion: 0
      });
      new TagStore(context.state).set(arn, tags);
      store.save();
      return { ModelPackageGroupArn: arn };
    },

    DescribeModelPackageGroup(input, context) {
      const store = storeOf(context);
      return describeGroup(requireGroup(store, context, requireGroupName(input, 'ModelPackageGroupName')));
    },

    ListModelPackageGroups(input, context) {
      const store = storeOf(context);
      const request = parseListRequest({ ...input, SortOrder: input.SortOrder ?? 'Ascending' }, SORT_KEYS);
      const { page, NextToken } = listPage(
        store.groups(context),
        (group) => ({ name: group.ModelPackageGroupName, created: group.CreationTime, tieBreak: 0 }),
        request
      );
      return {
        ModelPackageGroupSummaryList: page.map(describeGroup),
        ...(NextToken !== undefined && { NextToken })
      };
    },

    DeleteModelPackageGroup(input, context) {
      const store = storeOf(context);
      const group = requireGroup(store, context, requireGroupName(input, 'ModelPackageGroupName'));
      if (store.packagesOf(group.ModelPackageGroupArn).length > 0) {
        throw new AwsServiceError(
          'ConflictException',
          `Model Package Group ${group.ModelPackageGroupArn} contains model packages. Delete them before deleting the group.`
        );
      }
      store.deleteGroup(group.ModelPackageGroupArn);
      store.save();
      new TagStore(context.state).set(group.ModelPackageGroupArn, []);
      return {};
    },

    CreateModelPackage(input, context) {
      const store = storeOf(context);
      // SageMaker's checks, in its order and words: both names, neither, then the group.
      if (input.ModelPackageGroupName !== undefined && input.ModelPackageName !== undefined) {
        throw validationError(
          'Both ModelPackageName and ModelPackageGroupName are provided in the input. Cannot determine which one to use.'
        );
      }
      if (input.ModelPackageGroupName === undefined && input.ModelPackageName === undefined) {
        throw validationError('Missing ARN.');
      }
      if (input.ModelPackageGroupName === undefined) {
        throw validationError(
          'The local stack supports versioned model packages only: give ModelPackageGroupName ' +
            '(unversioned Marketplace model packages are not emulated).'
        );
      }
      const group = store.group(store.groupArn(context, requireGroupName(input, 'ModelPackageGroupName')));
      if (!group) throw validationError('Model Package Group does not exist.');
      const clientToken = optionalText(input, 'ClientToken', 36);
      const repeated = clientToken
        ? store.packagesOf(group.ModelPackageGroupArn).find((record) => record.clientToken === clientToken)
        : undefined;
      if (repeated) return { ModelPackageArn: repeated.ModelPackageArn };

      const inferenceSpecification = optionalInferenceSpecification(input);
      const approval = optionalApprovalStatus(input, 'ModelApprovalStatus') ?? 'PendingManualApproval';
      const metadata = optionalMetadata(input, 'CustomerMetadataProperties');
      const metrics = optionalModelMetrics(input);
      const tags = optionalTags(input, 'Tags');
      const registrationType = optionalEnum(input, 'ModelPackageRegistrationType', ['Logged', 'Registered']);
      const version = group.lastVersion + 1;
      const arn = store.packageArn(context, group.ModelPackageGroupName, version);
      const now = new Date();
      const record: PackageRecord = {
        ModelPackageName: group.ModelPackageGroupName,
        ModelPackageGroupName: group.ModelPackageGroupName,
        ModelPackageVersion: version,
        ModelPackageArn: arn,
        CreationTime: now,
        LastModifiedTime: now,
        ModelPackageStatus: 'Completed',
        ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
        ModelApprovalStatus: approval,
        ModelPackageRegistrationType: registrationType ?? 'Registered',
        groupArn: group.ModelPackageGroupArn,
        ...(clientToken !== undefined && { clientToken }),
        ...(inferenceSpecification !== undefined && { InferenceSpecification: inferenceSpecification }),
        ...(metadata !== undefined && { CustomerMetadataProperties: metadata }),
        ...(metrics !== undefined && { ModelMetrics: metrics }),
        ...storedMembers(asGiven(input))
      };
      group.lastVersion = version;
      store.putPackage(record);
      new TagStore(context.state).set(arn, tags);
      store.save();
      return { ModelPackageArn: arn };
    },

    DeleteModelPackage(input, context) {
      const store = storeOf(context);
      const record = requirePackage(store, context, input, 'ModelPackageName');
      store.deletePackage(record.ModelPackageArn);
      store.save();
      new TagStore(context.state).set(record.ModelPackageArn, []);
      return {};
    },

    DescribeModelPackage(input, context) {
      const store = storeOf(context);
      return describePackage(requirePackage(store, context, input, 'ModelPackageName'));
    },

    ListModelPackages(input, context) {
      const store = storeOf(context);
      const request = parseListRequest({ ...input, SortOrder: input.SortOrder ?? 'Ascending' }, SORT_KEYS);
      const approval = optionalApprovalStatus(input, 'ModelApprovalStatus');
      const groupName =
        input.ModelPackageGroupName === undefined
          ? undefined
          : requireGroupName(input, 'ModelPackageGroupName');
      // The documented default is Unversioned, yet AWS lists a group's versions when only the group is given.
      const type =
        optionalEnum(input, 'ModelPackageType', ['Versioned', 'Unversioned', 'Both']) ??
        (groupName !== undefined ? 'Versioned' : 'Unversioned');
      if (type === 'Unversioned') return { ModelPackageSummaryList: [] };
      const groupArn = groupName === undefined ? undefined : store.groupArn(context, groupName);
      const records = store
        .packages(context)
        .filter(
          (record) =>
            (groupArn === undefined || record.groupArn === groupArn) &&
            (approval === undefined || record.ModelApprovalStatus === approval)
        );
      const { page, NextToken } = listPage(
        records,
        (record) => ({
          name: record.ModelPackageName,
          created: record.CreationTime,
          tieBreak: record.ModelPackageVersion
        }),
        request
      );
      return {
        ModelPackageSummaryList: page.map(summarizePackage),
        ...(NextToken !== undefined && { NextToken })
      };
    },

    UpdateModelPackage(input, context) {
      const store = storeOf(context);
      const record = requirePackage(store, context, input, 'ModelPackageArn');
      const approval = optionalApprovalStatus(input, 'ModelApprovalStatus');
      const approvalDescription = optionalText(input, 'ApprovalDescription', 1024);
      const metadata = optionalMetadata(input, 'CustomerMetadataProperties');
      const toRemove = input.CustomerMetadataPropertiesToRemove;
      if (toRemove !== undefined && !Array.isArray(toRemove)) {
        throw validationError(
          "1 validation error detected: Value at 'customerMetadataPropertiesToRemove' failed to satisfy constraint: Member must be a list"
        );
      }
      const inferenceSpecification = optionalInferenceSpecification(input);
      const additional: unknown = input['AdditionalInferenceSpecificationsToAdd'];
      if (additional !== undefined) {
        const existing = record.AdditionalInferenceSpecifications ?? [];
        if (
          !Array.isArray(additional) ||
          additional.length === 0 ||
          existing.length + additional.length > 15
        ) {
          throw validationError(
            'AdditionalInferenceSpecificationsToAdd must be a non-empty list, and a model package holds at most 15 additional inference specifications.'
          );
        }
        // Stored as given, as SageMaker returns them.
        record.AdditionalInferenceSpecifications = [...existing, ...(additional as typeof existing)];
      }
      if (approval !== undefined) record.ModelApprovalStatus = approval;
      if (approvalDescription !== undefined) record.ApprovalDescription = approvalDescription;
      if (inferenceSpecification !== undefined) record.InferenceSpecification = inferenceSpecification;
      if (metadata !== undefined || Array.isArray(toRemove)) {
        const merged: Record<string, string> = { ...record.CustomerMetadataProperties, ...metadata };
        for (const key of Array.isArray(toRemove) ? toRemove : []) delete merged[String(key)];
        if (Object.keys(merged).length > 0) record.CustomerMetadataProperties = merged;
        else delete record.CustomerMetadataProperties;
      }
      record.LastModifiedTime = new Date();
      store.save();
      return { ModelPackageArn: record.ModelPackageArn };
    }
  });
}

function packageNotFound(arn: string) {
  return validationError(`ModelPackage ${arn} does not exist.`);
}

function storedMembers(
  input: CreateModelPackageCommandInput
): Pick<CreateModelPackageCommandInput, (typeof STORED_MEMBERS)[number]> {
  return Object.fromEntries(
    STORED_MEMBERS.filter((member) => input[member] !== undefined).map((member) => [member, input[member]])
  );
}

function describeGroup(group: GroupRecord): WireOutput<DescribeModelPackageGroupCommandOutput> {
  return {
    ModelPackageGroupName: group.ModelPackageGroupName,
    ModelPackageGroupArn: group.ModelPackageGroupArn,
    ...(group.ModelPackageGroupDescription !== undefined && {
      ModelPackageGroupDescription: group.ModelPackageGroupDescription
    }),
    CreationTime: group.CreationTime,
    CreatedBy: {},
    ModelPackageGroupStatus: 'Completed'
  };
}

/** The record without the store's own bookkeeping. */
function describePackage(record: PackageRecord): WireOutput<DescribeModelPackageCommandOutput> {
  const { groupArn, clientToken, ...described } = record;
  return { ...described, CreatedBy: {}, LastModifiedBy: {} };
}

function summarizePackage(record: PackageRecord): ModelPackageSummary {
  return {
    ModelPackageName: record.ModelPackageName,
    ModelPackageGroupName: record.ModelPackageGroupName,
    ModelPackageVersion: record.ModelPackageVersion,
    ModelPackageArn: record.ModelPackageArn,
    ...(record.ModelPackageDescription !== undefined && {
      ModelPackageDescription: record.ModelPackageDescription
    }),
    CreationTime: record.CreationTime,
    ModelPackageStatus: record.ModelPackageStatus,
    ModelApprovalStatus: record.ModelApprovalStatus,
    ModelPackageRegistrationType: record.ModelPackageRegistrationType
  };
}

/**
 * Filters by name and creation time, sorts and pages. Versions created within the same millisecond keep
 * their version order (tieBreak), so "latest first" is always the highest version.
 */
function listPage<T>(
  records: T[],
  describe: (record: T) => { name: string; created: Date; tieBreak: number },
  request: ListRequest
): { page: T[]; NextToken?: string } {
  const matching = records.filter((record) => {
    const { name, created } = describe(record);
    return (
      (request.nameContains === undefined ||
        name.toLowerCase().includes(request.nameContains.toLowerCase())) &&
      (request.createdBefore === undefined || created < request.createdBefore) &&
      (request.createdAfter === undefined || created > request.createdAfter)
    );
  });
  const compare = (a: T, b: T): number => {
    const [left, right] = [describe(a), describe(b)];
    const primary =
      request.sortBy === 'Name'
        ? left.name.toLowerCase().localeCompare(right.name.toLowerCase())
        : left.created.getTime() - right.created.getTime();
    return primary !== 0 ? primary : left.tieBreak - right.tieBreak;
  };
  matching.sort((a, b) => (request.descending ? -compare(a, b) : compare(a, b)));
  return pageOfList(matching, request);
}
