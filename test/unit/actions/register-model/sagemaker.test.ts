import { jest } from '@jest/globals';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
  SageMakerServiceException
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  registerSageMaker,
  resolveSageMaker,
  setSageMakerStatus
} from '../../../../src/actions/register-model/sagemaker.js';
import { modelPackageRequest } from '../../../../src/actions/register-model/sagemaker-request.js';
import type { SageMakerRegistration } from '../../../../src/actions/register-model/types.js';

const ARN = 'arn:aws:sagemaker:us-east-1:000000000000';
const imageWith = (digit: string) =>
  `000000000000.dkr.ecr.us-east-1.amazonaws.com/churn@sha256:${digit.repeat(64)}`;
const IMAGE = imageWith('a');

const registration: SageMakerRegistration = {
  group: 'churn',
  groupDescription: 'churn model',
  groupTags: { team: 'ml' },
  imageUri: IMAGE,
  imageDigest: `sha256:${'a'.repeat(64)}`,
  contentTypes: ['application/json'],
  responseTypes: ['application/json'],
  instanceTypes: ['ml.m5.large'],
  approvalStatus: 'PendingManualApproval',
  description: 'from CI',
  lineage: {
    repository: 'acme/churn',
    commit: 'c0ffee',
    ref: 'refs/heads/main',
    runUrl: 'https://github.com/acme/churn/actions/runs/42'
  },
  metrics: { r2: 0.91 }
};

const missingGroup = new SageMakerServiceException({
  name: 'ValidationException',
  $fault: 'client',
  $metadata: {},
  message: `ModelPackageGroup ${ARN}:model-package-group/churn does not exist.`
});

const described = (version: number, image: string, approval = 'PendingManualApproval') => ({
  ModelPackageArn: `${ARN}:model-package/churn/${version}`,
  ModelPackageName: 'churn',
  ModelPackageVersion: version,
  ModelApprovalStatus: approval as 'Approved',
  ModelPackageStatus: 'Completed' as const,
  CreationTime: new Date(),
  ModelPackageStatusDetails: { ValidationStatuses: [] },
  InferenceSpecification: { Containers: [{ Image: image }] },
  CustomerMetadataProperties: { 'git.commit': 'c0ffee' }
});

const log = { info: () => undefined, warning: jest.fn() };
const sagemaker = mockClient(SageMakerClient);
const client = new SageMakerClient({ region: 'us-east-1' });

beforeEach(() => {
  sagemaker.reset();
  log.warning.mockReset();
});

describe('modelPackageRequest', () => {
  it('carries the image, lineage and metric values, and ModelMetrics only from S3', () => {
    expect(modelPackageRequest(registration)).toEqual({
      ModelPackageGroupName: 'churn',
      ModelPackageDescription: 'from CI',
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: IMAGE }],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large']
      },
      CustomerMetadataProperties: {
        'git.repository': 'acme/churn',
        'git.commit': 'c0ffee',
        'git.ref': 'refs/heads/main',
        'ci.run-url': 'https://github.com/acme/churn/actions/runs/42',
        'metric.r2': '0.91'
      }
    });
    const withReport = modelPackageRequest({
      ...registration,
      modelDataUrl: 's3://bucket/model.tar.gz',
      metricsS3Uri: 's3://bucket/metrics.json',
      lineage: { ...registration.lineage, pullRequest: 7 }
    });
    expect(withReport.ModelMetrics).toEqual({
      ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 's3://bucket/metrics.json' } }
    });
    expect(withReport.InferenceSpecification?.Containers?.[0]?.ModelDataUrl).toBe('s3://bucket/model.tar.gz');
    expect(withReport.CustomerMetadataProperties?.['git.pull-request']).toBe('7');
  });

  it('refuses metrics SageMaker metadata cannot hold', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`m${index}`, index]));
    expect(() => modelPackageRequest({ ...registration, metrics: many })).toThrow(
      /Input 'metrics-file': lineage and metrics make 54 metadata properties; SageMaker allows at most 50/
    );
    expect(() => modelPackageRequest({ ...registration, metrics: { 'r2 (test)': 1 } })).toThrow(
      /metric name 'metric.r2 \(test\)' cannot be a SageMaker metadata key/
    );
  });
});

describe('registerSageMaker', () => {
  it('creates the missing group with its description and tags, then the version', async () => {
    sagemaker.on(DescribeModelPackageGroupCommand).rejects(missingGroup);
    sagemaker
      .on(CreateModelPackageGroupCommand)
      .resolves({ ModelPackageGroupArn: `${ARN}:model-package-group/churn` });
    sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: `${ARN}:model-package/churn/1` });
    sagemaker.on(DescribeModelPackageCommand).resolves(described(1, IMAGE));

    const result = await registerSageMaker(client, registration, log);

    expect(result).toEqual({
      id: `${ARN}:model-package/churn/1`,
      version: 1,
      approvalStatus: 'PendingManualApproval',
      imageUri: IMAGE,
      created: true,
      properties: { 'git.commit': 'c0ffee' }
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelPackageGroupCommand, {
      ModelPackageGroupName: 'churn',
      ModelPackageGroupDescription: 'churn model',
      Tags: [{ Key: 'team', Value: 'ml' }]
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelPackageCommand, modelPackageRequest(registration));
    expect(sagemaker).not.toHaveReceivedCommand(ListModelPackagesCommand);
  });

  it('returns the version already holding the image digest instead of registering again', async () => {
    sagemaker.on(DescribeModelPackageGroupCommand).resolves({});
    sagemaker
      .on(ListModelPackagesCommand)
      .resolvesOnce({
        ModelPackageSummaryList: [{ ModelPackageArn: `${ARN}:model-package/churn/3` } as never],
        NextToken: 'page-2'
      })
      .resolvesOnce({
        ModelPackageSummaryList: [{ ModelPackageArn: `${ARN}:model-package/churn/2` } as never]
      });
    sagemaker
      .on(DescribeModelPackageCommand, { ModelPackageName: `${ARN}:model-package/churn/3` })
      .resolves(described(3, imageWith('c')))
      .on(DescribeModelPackageCommand, { ModelPackageName: `${ARN}:model-package/churn/2` })
      .resolves(described(2, `other.registry/churn@sha256:${'a'.repeat(64)}`, 'Approved'));

    const result = await registerSageMaker(client, registration, log);

    expect(result).toMatchObject({
      id: `${ARN}:model-package/churn/2`,
      version: 2,
      created: false,
      approvalStatus: 'Approved'
    });
    expect(sagemaker).toHaveReceivedCommandWith(ListModelPackagesCommand, { NextToken: 'page-2' });
    expect(sagemaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
  });

  it('registers a new version when no version holds the digest', async () => {
    sagemaker.on(DescribeModelPackageGroupCommand).resolves({});
    sagemaker.on(ListModelPackagesCommand).resolves({
      ModelPackageSummaryList: [{ ModelPackageArn: `${ARN}:model-package/churn/1` } as never]
    });
    sagemaker
      .on(DescribeModelPackageCommand, { ModelPackageName: `${ARN}:model-package/churn/1` })
      .resolves(described(1, imageWith('c')))
      .on(DescribeModelPackageCommand, { ModelPackageName: `${ARN}:model-package/churn/2` })
      .resolves(described(2, IMAGE));
    sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: `${ARN}:model-package/churn/2` });

    expect(await registerSageMaker(client, registration, log)).toMatchObject({ version: 2, created: true });
    expect(sagemaker).not.toHaveReceivedCommand(CreateModelPackageGroupCommand);
  });

  it('deletes the group it created when the version cannot be created, and reports the error', async () => {
    sagemaker.on(DescribeModelPackageGroupCommand).rejects(missingGroup);
    sagemaker.on(CreateModelPackageGroupCommand).resolves({});
    sagemaker.on(CreateModelPackageCommand).rejects(
      new SageMakerServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: {},
        message: 'bad image'
      })
    );

    await expect(registerSageMaker(client, registration, log)).rejects.toThrow('bad image');
    expect(sagemaker).toHaveReceivedCommandWith(DeleteModelPackageGroupCommand, {
      ModelPackageGroupName: 'churn'
    });
  });

  it('leaves an existing group alone when the version cannot be created', async () => {
    sagemaker.on(DescribeModelPackageGroupCommand).resolves({});
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
    sagemaker.on(CreateModelPackageCommand).rejects(new Error('throttled'));

    await expect(registerSageMaker(client, registration, log)).rejects.toThrow('throttled');
    expect(sagemaker).not.toHaveReceivedCommand(DeleteModelPackageGroupCommand);
  });

  it('passes on errors other than a missing group', async () => {
    sagemaker.on(DescribeModelPackageGroupCommand).rejects(
      new SageMakerServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: {},
        message: 'no'
      })
    );
    await expect(registerSageMaker(client, registration, log)).rejects.toMatchObject({
      name: 'AccessDeniedException'
    });
    expect(sagemaker).not.toHaveReceivedCommand(CreateModelPackageGroupCommand);
  });
});

describe('resolveSageMaker', () => {
  it('finds the newest version with the approval status', async () => {
    sagemaker.on(DescribeModelPackageGroupCommand).resolves({});
    sagemaker.on(ListModelPackagesCommand).resolves({
      ModelPackageSummaryList: [{ ModelPackageArn: `${ARN}:model-package/churn/4` } as never]
    });
    sagemaker.on(DescribeModelPackageCommand).resolves(described(4, IMAGE, 'Approved'));

    expect(await resolveSageMaker(client, 'churn', { approvalStatus: 'Approved' })).toMatchObject({
      id: `${ARN}:model-package/churn/4`,
      imageUri: IMAGE,
      approvalStatus: 'Approved',
      created: false
    });
    expect(sagemaker).toHaveReceivedCommandWith(ListModelPackagesCommand, {
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 1
    });
  });

  it('says what to do when no version has the status, or the group is missing', async () => {
    sagemaker.on(DescribeModelPackageGroupCommand).resolves({});
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
    await expect(resolveSageMaker(client, 'churn', { approvalStatus: 'Approved' })).rejects.toThrow(
      /churn has no version with approval status Approved\. Approve a version first/
    );
    sagemaker.on(DescribeModelPackageGroupCommand).rejects(missingGroup);
    await expect(resolveSageMaker(client, 'churn', { approvalStatus: 'Approved' })).rejects.toThrow(
      /churn does not exist/
    );
  });
});

describe('approval of a given version', () => {
  const approve = {
    version: { number: 4 },
    approvalStatus: 'Approved' as const,
    by: 'alice',
    runUrl: 'https://github.com/acme/churn/actions/runs/42',
    reason: ''
  };
  const packageArn = `${ARN}:model-package/churn/4`;

  beforeEach(() => {
    sagemaker.on(DescribeModelPackageGroupCommand).resolves({});
    sagemaker.on(ListModelPackagesCommand).resolves({
      ModelPackageSummaryList: [
        { ModelPackageArn: `${ARN}:model-package/churn/5`, ModelPackageVersion: 5 } as never,
        { ModelPackageArn: packageArn, ModelPackageVersion: 4 } as never
      ]
    });
  });

  it('records who approved and the run on the version (ApprovalDescription and metadata)', async () => {
    sagemaker
      .on(DescribeModelPackageCommand)
      .resolvesOnce(described(4, IMAGE))
      .resolves({
        ...described(4, IMAGE, 'Approved'),
        ApprovalDescription: 'Approved by alice in https://github.com/acme/churn/actions/runs/42'
      });
    const version = await setSageMakerStatus(client, 'churn', approve, log);
    expect(sagemaker).toHaveReceivedCommandWith(DescribeModelPackageCommand, {
      ModelPackageName: packageArn
    });
    expect(sagemaker).toHaveReceivedCommandWith(UpdateModelPackageCommand, {
      ModelPackageArn: packageArn,
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'Approved by alice in https://github.com/acme/churn/actions/runs/42',
      CustomerMetadataProperties: {
        'approval.by': 'alice',
        'approval.run-url': 'https://github.com/acme/churn/actions/runs/42'
      }
    });
    expect(version).toMatchObject({
      approvalStatus: 'Approved',
      approvalDescription: expect.stringContaining('alice')
    });
  });

  it('leaves a version already in the status alone, so a re-run changes nothing', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves(described(4, IMAGE, 'Approved'));
    await setSageMakerStatus(client, 'churn', approve, log);
    expect(sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
  });

  it('protects the image before approving: when that fails, the version is not approved', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves(described(4, IMAGE));
    const seen: string[] = [];
    await expect(
      setSageMakerStatus(client, 'churn', approve, log, async (version) => {
        seen.push(`${version.version} ${version.imageUri}`);
        throw new Error('ecr:PutImage denied');
      })
    ).rejects.toThrow('ecr:PutImage denied');
    expect(seen).toEqual([`4 ${IMAGE}`]);
    expect(sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
  });

  it('never approves a Rejected version, and says why it was rejected', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves({
      ...described(4, IMAGE, 'Rejected'),
      ApprovalDescription: 'Rejected by bob: production smoke test failed'
    });
    await expect(setSageMakerStatus(client, 'churn', approve, log)).rejects.toThrow(
      /churn\/4 was Rejected \(Rejected by bob: production smoke test failed\); it cannot become Approved\. .*register a new version/
    );
    expect(sagemaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
  });

  it('resolves a given version, refusing a Rejected one and one without the status asked for', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves(described(4, IMAGE));
    expect(await resolveSageMaker(client, 'churn', { version: { id: packageArn } })).toMatchObject({
      id: packageArn,
      imageUri: IMAGE
    });
    await expect(
      resolveSageMaker(client, 'churn', { version: { number: 4 }, approvalStatus: 'Approved' })
    ).rejects.toThrow(/churn\/4 is PendingManualApproval, not Approved\. Approve it first/);

    sagemaker.on(DescribeModelPackageCommand).resolves(described(4, IMAGE, 'Rejected'));
    await expect(resolveSageMaker(client, 'churn', { version: { number: 4 } })).rejects.toThrow(
      /churn\/4 was Rejected: a rejected version is never deployed/
    );
  });

  it('names a version number the group does not have, and a version of another group', async () => {
    await expect(resolveSageMaker(client, 'churn', { version: { number: 9 } })).rejects.toThrow(
      /churn has no version 9/
    );
    sagemaker
      .on(DescribeModelPackageCommand)
      .resolves({ ...described(1, IMAGE), ModelPackageGroupName: 'fraud' });
    await expect(
      resolveSageMaker(client, 'churn', { version: { id: `${ARN}:model-package/fraud/1` } })
    ).rejects.toThrow(/is a version of fraud, not of churn/);
  });
});
