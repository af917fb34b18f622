import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { jest } from '@jest/globals';
import {
  AddTagsCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelPackageGroupCommand,
  DeleteTagsCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  type ListModelPackagesCommandInput,
  SageMakerClient,
  UpdateModelPackageCommand
} from '@aws-sdk/client-sagemaker';
import { createSageMakerService } from '../../../../../../src/local-stack/services/sagemaker/index.js';
import {
  modelRegistryOperations,
  registryTaggable
} from '../../../../../../src/local-stack/services/sagemaker/registry/index.js';
import { tagOperations } from '../../../../../../src/local-stack/services/sagemaker/tags.js';
import { StateStore } from '../../../../../../src/local-stack/state.js';
import { runProgram } from '../../../../../helpers/local-stack.js';
import {
  startEndpoint,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_REGION,
  type RunningEndpoint
} from '../../../../../helpers/local-endpoint.js';

jest.setTimeout(60_000);

const ARN = `arn:aws:sagemaker:${TEST_REGION}:${TEST_ACCOUNT}`;
const IMAGE = `${TEST_ACCOUNT}.dkr.ecr.${TEST_REGION}.amazonaws.com/churn@sha256:${'a'.repeat(64)}`;

const container = (image = IMAGE) => ({ Containers: [{ Image: image }] });

describe('local SageMaker Model Registry', () => {
  let endpoint: RunningEndpoint;
  let client: SageMakerClient;
  let clientEnv: Record<string, string>;
  /** A second endpoint on the same data directory, as after `modelship local down` and `up`. */
  let restarted: RunningEndpoint | undefined;

  beforeAll(async () => {
    endpoint = await startEndpoint(() => [
      createSageMakerService([modelRegistryOperations(), tagOperations([registryTaggable])])
    ]);
    client = new SageMakerClient({
      endpoint: endpoint.url,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1
    });
    clientEnv = {
      AWS_ENDPOINT_URL: endpoint.url,
      AWS_DEFAULT_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey
    };
  });
  afterAll(async () => {
    client.destroy();
    await restarted?.close();
    await endpoint.close();
  });

  it('implements only operations of botocore’s sagemaker model, with their output members', () => {
    const botocore = execFileSync(
      'python3',
      ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'],
      { encoding: 'utf8' }
    ).trim();
    const model = JSON.parse(
      gunzipSync(
        readFileSync(join(botocore, 'data', 'sagemaker', '2017-07-24', 'service-2.json.gz'))
      ).toString()
    ) as {
      operations: Record<string, { output?: { shape: string } }>;
      shapes: Record<string, { members?: Record<string, unknown> }>;
    };
    const implemented = Object.keys({ ...modelRegistryOperations(), ...tagOperations([]) }).sort();
    expect(implemented).toEqual(
      [
        'AddTags',
        'CreateModelPackage',
        'CreateModelPackageGroup',
        'DeleteModelPackage',
        'DeleteModelPackageGroup',
        'DeleteTags',
        'DescribeModelPackage',
        'DescribeModelPackageGroup',
        'ListModelPackageGroups',
        'ListModelPackages',
        'ListTags',
        'UpdateModelPackage'
      ].sort()
    );
    for (const operation of implemented) expect(model.operations[operation]).toBeDefined();
    // Every member the local stack returns from DescribeModelPackage is one botocore knows.
    const describeMembers = Object.keys(model.shapes['DescribeModelPackageOutput']?.members ?? {});
    const dataDir = mkdtempSync(join(tmpdir(), 'sagemaker-registry-shapes-'));
    const state = new StateStore(dataDir);
    const context = { region: TEST_REGION, accountId: TEST_ACCOUNT, requestId: 'r', accessKeyId: 'k', state };
    const operations = modelRegistryOperations();
    operations['CreateModelPackageGroup']?.({ ModelPackageGroupName: 'shape-check' }, context);
    operations['CreateModelPackage']?.(
      {
        ModelPackageGroupName: 'shape-check',
        InferenceSpecification: container(),
        CustomerMetadataProperties: { commit: 'abc' },
        ModelPackageDescription: 'd'
      },
      context
    );
    const described = operations['DescribeModelPackage']?.({ ModelPackageName: 'shape-check/1' }, context);
    for (const member of Object.keys(described as object)) expect(describeMembers).toContain(member);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates groups and numbers versions per group, through SDK v3', async () => {
    const created = await client.send(
      new CreateModelPackageGroupCommand({
        ModelPackageGroupName: 'Churn-Model',
        ModelPackageGroupDescription: 'churn classifier',
        Tags: [{ Key: 'team', Value: 'ml' }]
      })
    );
    expect(created.ModelPackageGroupArn).toBe(`${ARN}:model-package-group/churn-model`);
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'other-group' }));

    const group = await client.send(
      new DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'churn-model' })
    );
    expect(group).toMatchObject({
      ModelPackageGroupName: 'Churn-Model',
      ModelPackageGroupDescription: 'churn classifier',
      ModelPackageGroupStatus: 'Completed'
    });
    expect(group.CreationTime).toBeInstanceOf(Date);

    const arns: string[] = [];
    for (const approval of ['Approved', undefined, 'Rejected'] as const) {
      const { ModelPackageArn } = await client.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: 'Churn-Model',
          InferenceSpecification: {
            ...container(),
            SupportedContentTypes: ['application/json'],
            SupportedResponseMIMETypes: ['application/json'],
            SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large']
          },
          ...(approval !== undefined && { ModelApprovalStatus: approval }),
          CustomerMetadataProperties: { 'git.commit': 'abc123', 'metric.r2': '0.91' }
        })
      );
      arns.push(ModelPackageArn ?? '');
    }
    const other = await client.send(
      new CreateModelPackageCommand({ ModelPackageGroupName: `${ARN}:model-package-group/other-group` })
    );
    expect(arns).toEqual([1, 2, 3].map((version) => `${ARN}:model-package/churn-model/${version}`));
    expect(other.ModelPackageArn).toBe(`${ARN}:model-package/other-group/1`);

    const second = await client.send(new DescribeModelPackageCommand({ ModelPackageName: arns[1] }));
    expect(second).toMatchObject({
      ModelPackageGroupName: 'Churn-Model',
      ModelPackageVersion: 2,
      ModelPackageStatus: 'Completed',
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: IMAGE }],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large']
      },
      CustomerMetadataProperties: { 'git.commit': 'abc123', 'metric.r2': '0.91' }
    });
    const byName = await client.send(new DescribeModelPackageCommand({ ModelPackageName: 'Churn-Model/3' }));
    expect(byName.ModelApprovalStatus).toBe('Rejected');
  });

  it('lists versions with filters, sort order and pages', async () => {
    const list = (input: ListModelPackagesCommandInput) => client.send(new ListModelPackagesCommand(input));
    const ascending = await list({ ModelPackageGroupName: 'churn-model' });
    expect(ascending.ModelPackageSummaryList?.map((summary) => summary.ModelPackageVersion)).toEqual([
      1, 2, 3
    ]);
    const latestApproved = await list({
      ModelPackageGroupName: 'churn-model',
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 1
    });
    expect(latestApproved.ModelPackageSummaryList?.map((summary) => summary.ModelPackageArn)).toEqual([
      `${ARN}:model-package/churn-model/1`
    ]);
    const firstPage = await list({
      ModelPackageGroupName: 'churn-model',
      SortOrder: 'Descending',
      MaxResults: 2
    });
    expect(firstPage.ModelPackageSummaryList?.map((summary) => summary.ModelPackageVersion)).toEqual([3, 2]);
    const secondPage = await list({
      ModelPackageGroupName: 'churn-model',
      SortOrder: 'Descending',
      MaxResults: 2,
      ...(firstPage.NextToken !== undefined && { NextToken: firstPage.NextToken })
    });
    expect(secondPage.ModelPackageSummaryList?.map((summary) => summary.ModelPackageVersion)).toEqual([1]);
    expect(secondPage.NextToken).toBeUndefined();
    // Without a group the documented default type (Unversioned) applies; Versioned lists every group.
    expect((await list({})).ModelPackageSummaryList).toEqual([]);
    expect((await list({ ModelPackageType: 'Versioned' })).ModelPackageSummaryList).toHaveLength(4);

    const groups = await client.send(new ListModelPackageGroupsCommand({ NameContains: 'CHURN' }));
    expect(groups.ModelPackageGroupSummaryList?.map((group) => group.ModelPackageGroupName)).toEqual([
      'Churn-Model'
    ]);
    const byName = await client.send(
      new ListModelPackageGroupsCommand({ SortBy: 'Name', SortOrder: 'Descending' })
    );
    expect(byName.ModelPackageGroupSummaryList?.map((group) => group.ModelPackageGroupName)).toEqual([
      'other-group',
      'Churn-Model'
    ]);
  });

  it('approves a version and merges its metadata with UpdateModelPackage', async () => {
    const arn = `${ARN}:model-package/churn-model/2`;
    await client.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: arn,
        ModelApprovalStatus: 'Approved',
        ApprovalDescription: 'looks good',
        CustomerMetadataProperties: { reviewer: 'ana' },
        CustomerMetadataPropertiesToRemove: ['metric.r2']
      })
    );
    const updated = await client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    expect(updated).toMatchObject({
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'looks good',
      CustomerMetadataProperties: { 'git.commit': 'abc123', reviewer: 'ana' }
    });
    expect(updated.LastModifiedTime?.getTime()).toBeGreaterThanOrEqual(updated.CreationTime?.getTime() ?? 0);
    const latest = await client.send(
      new ListModelPackagesCommand({
        ModelPackageGroupName: 'churn-model',
        ModelApprovalStatus: 'Approved',
        SortOrder: 'Descending'
      })
    );
    expect(latest.ModelPackageSummaryList?.[0]?.ModelPackageVersion).toBe(2);
  });

  it('tags groups and versions', async () => {
    const groupArn = `${ARN}:model-package-group/churn-model`;
    await client.send(new AddTagsCommand({ ResourceArn: groupArn, Tags: [{ Key: 'stage', Value: 'dev' }] }));
    await client.send(new DeleteTagsCommand({ ResourceArn: groupArn, TagKeys: ['team'] }));
    expect((await client.send(new ListTagsCommand({ ResourceArn: groupArn }))).Tags).toEqual([
      { Key: 'stage', Value: 'dev' }
    ]);
    await expect(
      client.send(new ListTagsCommand({ ResourceArn: `${ARN}:model-package-group/missing` }))
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers bad names, missing groups and conflicts as SageMaker does', async () => {
    await expect(
      client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'bad_name' }))
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('bad_name') });
    await expect(
      client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'CHURN-model' }))
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('already exists')
    });
    await expect(
      client.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: 'no-such-group',
          InferenceSpecification: container()
        })
      )
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('does not exist')
    });
    await expect(
      client.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: 'churn-model',
          InferenceSpecification: container(),
          ModelApprovalStatus: 'Maybe' as never
        })
      )
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('enum value set')
    });
    await expect(
      client.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: 'churn-model',
          ModelMetrics: {
            ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 'file:///x' } }
          }
        })
      )
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('s3Uri') });
    await expect(
      client.send(new DescribeModelPackageCommand({ ModelPackageName: 'churn-model/99' }))
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      client.send(new DeleteModelPackageGroupCommand({ ModelPackageGroupName: 'churn-model' }))
    ).rejects.toMatchObject({ name: 'ConflictException' });
    // No failed create used up a version number.
    const versions = await client.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: 'churn-model' })
    );
    expect(versions.ModelPackageSummaryList).toHaveLength(3);
  });

  it('returns the same version for a repeated ClientToken and keeps state across restarts', async () => {
    const request = {
      ModelPackageGroupName: 'other-group',
      InferenceSpecification: container(),
      ClientToken: 'token-1'
    };
    const first = await client.send(new CreateModelPackageCommand(request));
    const again = await client.send(new CreateModelPackageCommand(request));
    expect(again.ModelPackageArn).toBe(first.ModelPackageArn);

    restarted = await startEndpoint(
      () => [createSageMakerService([modelRegistryOperations(), tagOperations([registryTaggable])])],
      endpoint.dataDir
    );
    const reopened = new SageMakerClient({
      endpoint: restarted.url,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS
    });
    try {
      const described = await reopened.send(
        new DescribeModelPackageCommand({ ModelPackageName: first.ModelPackageArn })
      );
      expect(described.ModelPackageVersion).toBe(2);
      const { ModelPackageArn } = await reopened.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: 'other-group',
          InferenceSpecification: container()
        })
      );
      expect(ModelPackageArn).toBe(`${ARN}:model-package/other-group/3`);
    } finally {
      reopened.destroy();
    }
  });

  it('serves boto3 through every operation', async () => {
    const script = `
import json, boto3
from botocore.exceptions import ClientError
sm = boto3.client("sagemaker")
out = {}
out["group"] = sm.create_model_package_group(ModelPackageGroupName="boto-group", ModelPackageGroupDescription="from boto3", Tags=[{"Key": "k", "Value": "v"}])["ModelPackageGroupArn"]
out["groupStatus"] = sm.describe_model_package_group(ModelPackageGroupName="boto-group")["ModelPackageGroupStatus"]
out["groups"] = [g["ModelPackageGroupName"] for g in sm.list_model_package_groups(NameContains="boto")["ModelPackageGroupSummaryList"]]
arns = [sm.create_model_package(ModelPackageGroupName="boto-group", InferenceSpecification={"Containers": [{"Image": "${IMAGE}"}], "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}, CustomerMetadataProperties={"commit": "c%d" % i})["ModelPackageArn"] for i in range(2)]
out["arns"] = arns
sm.update_model_package(ModelPackageArn=arns[0], ModelApprovalStatus="Approved")
d = sm.describe_model_package(ModelPackageName=arns[0])
out["described"] = [d["ModelPackageVersion"], d["ModelApprovalStatus"], d["ModelPackageStatus"], d["InferenceSpecification"]["Containers"][0]["Image"], d["CreationTime"].isoformat() != ""]
paginator = sm.get_paginator("list_model_packages")
out["paged"] = [s["ModelPackageVersion"] for page in paginator.paginate(ModelPackageGroupName="boto-group", SortOrder="Descending", PaginationConfig={"PageSize": 1}) for s in page["ModelPackageSummaryList"]]
out["approved"] = [s["ModelPackageVersion"] for s in sm.list_model_packages(ModelPackageGroupName="boto-group", ModelApprovalStatus="Approved")["ModelPackageSummaryList"]]
sm.add_tags(ResourceArn=arns[1], Tags=[{"Key": "stage", "Value": "dev"}])
out["tags"] = sm.list_tags(ResourceArn=arns[1])["Tags"]
errors = []
for call in [lambda: sm.describe_model_package_group(ModelPackageGroupName="absent"), lambda: sm.delete_model_package_group(ModelPackageGroupName="boto-group"), lambda: sm.create_model_package_group(ModelPackageGroupName="-bad")]:
    try:
        call()
        errors.append(None)
    except ClientError as error:
        errors.append(error.response["Error"]["Code"])
out["errors"] = errors
sm.create_model_package_group(ModelPackageGroupName="boto-empty")
sm.delete_model_package_group(ModelPackageGroupName="boto-empty")
out["deleted"] = [g["ModelPackageGroupName"] for g in sm.list_model_package_groups(NameContains="boto-empty")["ModelPackageGroupSummaryList"]]
print(json.dumps(out))
`;
    const run = await runProgram('python3', ['-c', script], { env: clientEnv });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      group: `${ARN}:model-package-group/boto-group`,
      groupStatus: 'Completed',
      groups: ['boto-group'],
      arns: [`${ARN}:model-package/boto-group/1`, `${ARN}:model-package/boto-group/2`],
      described: [1, 'Approved', 'Completed', IMAGE, true],
      paged: [2, 1],
      approved: [1],
      tags: [{ Key: 'stage', Value: 'dev' }],
      errors: ['ValidationException', 'ConflictException', 'ValidationException'],
      deleted: []
    });
  });

  it('deletes a model version through boto3: gone from the group, its tags too, the next version numbered on', async () => {
    const script = `
import json, boto3
from botocore.exceptions import ClientError
sm = boto3.client("sagemaker")
sm.create_model_package_group(ModelPackageGroupName="doomed")
arns = [sm.create_model_package(ModelPackageGroupName="doomed", InferenceSpecification={"Containers": [{"Image": "${IMAGE}"}], "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}, Tags=[{"Key": "pr", "Value": "7"}])["ModelPackageArn"] for i in range(2)]
sm.delete_model_package(ModelPackageName=arns[0])
out = {"left": [s["ModelPackageArn"] for s in sm.list_model_packages(ModelPackageGroupName="doomed")["ModelPackageSummaryList"]]}
errors = []
for call in [lambda: sm.describe_model_package(ModelPackageName=arns[0]), lambda: sm.delete_model_package(ModelPackageName=arns[0])]:
    try:
        call()
        errors.append(None)
    except ClientError as error:
        errors.append([error.response["Error"]["Code"], error.response["Error"]["Message"]])
out["errors"] = errors
sm.delete_model_package(ModelPackageName=arns[1])
out["next"] = sm.create_model_package(ModelPackageGroupName="doomed", InferenceSpecification={"Containers": [{"Image": "${IMAGE}"}], "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]})["ModelPackageArn"]
print(json.dumps(out))
`;
    const run = await runProgram('python3', ['-c', script], { env: clientEnv });
    expect(run.stderr).toBe('');
    const gone = ['ValidationException', `ModelPackage ${ARN}:model-package/doomed/1 does not exist.`];
    expect(JSON.parse(run.stdout)).toEqual({
      left: [`${ARN}:model-package/doomed/2`],
      errors: [gone, gone],
      next: `${ARN}:model-package/doomed/3`
    });
  });

  it('serves the AWS CLI', async () => {
    const aws = (...args: string[]) =>
      runProgram('aws', ['--endpoint-url', endpoint.url, '--output', 'json', 'sagemaker', ...args], {
        env: clientEnv
      });
    const listed = await aws(
      'list-model-packages',
      '--model-package-group-name',
      'boto-group',
      '--model-approval-status',
      'Approved'
    );
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout).ModelPackageSummaryList).toEqual([
      expect.objectContaining({
        ModelPackageArn: `${ARN}:model-package/boto-group/1`,
        ModelApprovalStatus: 'Approved'
      })
    ]);
    const updated = await aws(
      'update-model-package',
      '--model-package-arn',
      `${ARN}:model-package/boto-group/2`,
      '--model-approval-status',
      'Rejected'
    );
    expect(updated.stderr).toBe('');
    const described = await aws('describe-model-package', '--model-package-name', 'boto-group/2');
    expect(JSON.parse(described.stdout)).toMatchObject({
      ModelApprovalStatus: 'Rejected',
      ModelPackageVersion: 2
    });
    const missing = await aws('describe-model-package-group', '--model-package-group-name', 'absent');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('ValidationException');
  });
});
