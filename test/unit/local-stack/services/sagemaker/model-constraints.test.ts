import { jest } from '@jest/globals';
import { PRODUCTION_VARIANT_INSTANCE_TYPES } from '../../../../../src/local-stack/services/sagemaker/hosting/instance-types.js';
import { loadBotocoreModel } from '../../fixtures/botocore-model.js';
import { startInProcessStack, type InProcessStack } from '../../fixtures/in-process-stack.js';
import { runProgram } from '../../../../helpers/local-stack.js';

jest.setTimeout(60_000);

describe("SageMaker's model constraints and request checks, through boto3", () => {
  let stack: InProcessStack;
  let env: Record<string, string>;
  beforeAll(async () => {
    stack = await startInProcessStack();
    env = {
      AWS_ENDPOINT_URL: stack.endpoint,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-secret'
    };
  });
  afterAll(() => stack.close());

  it("keeps the generated instance types equal to botocore's enum (else run scripts/sagemaker-instance-types.mjs)", () => {
    const model = loadBotocoreModel('sagemaker', '2017-07-24');
    expect(PRODUCTION_VARIANT_INSTANCE_TYPES).toEqual(model.shapes['ProductionVariantInstanceType']?.enum);
  });

  it('refuses instance types and serverless settings outside the model, in its words', async () => {
    const script = `
import json, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
# boto3 checks ranges itself; switched off so the service's own answer is seen (as the AWS SDK for JS sends them).
sm = boto3.client("sagemaker", config=Config(parameter_validation=False))
sm.create_model(ModelName="m", PrimaryContainer={"Image": "127.0.0.1:1/x:1"})
def message(**variant):
    try:
        sm.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[dict(VariantName="v", ModelName="m", **variant)])
    except ClientError as error:
        return [error.response["Error"]["Code"], error.response["Error"]["Message"]]
    return None
print(json.dumps([
    message(InstanceType="ml.fake.huge", InitialInstanceCount=1),
    message(ServerlessConfig={"MemorySizeInMB": 512, "MaxConcurrency": 500}),
    message(ServerlessConfig={"MemorySizeInMB": 1500, "MaxConcurrency": 1}),
    message(ServerlessConfig={"MemorySizeInMB": 2048, "MaxConcurrency": 1}),
]))
`;
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    const [enumError, rangeErrors, stepError, accepted] = JSON.parse(run.stdout) as [string, string][];
    expect(enumError?.[0]).toBe('ValidationException');
    expect(enumError?.[1]).toMatch(
      /^1 validation error detected: Value 'ml\.fake\.huge' at 'productionVariants\.1\.member\.instanceType' failed to satisfy constraint: Member must satisfy enum value set: \[ml\.t2\.medium, ml\.t2\.large, .*\]$/
    );
    expect(rangeErrors).toEqual([
      'ValidationException',
      "2 validation errors detected: Value '512' at 'productionVariants.1.member.serverlessConfig.memorySizeInMB' " +
        'failed to satisfy constraint: Member must have value greater than or equal to 1024; ' +
        "Value '500' at 'productionVariants.1.member.serverlessConfig.maxConcurrency' failed to satisfy constraint: " +
        'Member must have value less than or equal to 200'
    ]);
    expect(stepError?.[1]).toContain('use 1024, 2048, 3072, 4096, 5120 or 6144');
    expect(accepted).toBeNull();
  });

  it('answers CreateModelPackage errors in order, and UpdateModelPackage adds inference specifications', async () => {
    const script = `
import json, boto3
from botocore.exceptions import ClientError
sm = boto3.client("sagemaker")
def message(**kwargs):
    try:
        sm.create_model_package(**kwargs)
    except ClientError as error:
        return error.response["Error"]["Message"]
spec = {"Containers": [{"Image": "127.0.0.1:1/x:1"}], "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}
out = {"errors": [
    message(InferenceSpecification=spec),
    message(ModelPackageName="a", ModelPackageGroupName="absent", InferenceSpecification=spec),
    message(ModelPackageGroupName="absent", InferenceSpecification=spec),
]}
sm.create_model_package_group(ModelPackageGroupName="grown")
arn = sm.create_model_package(ModelPackageGroupName="grown", InferenceSpecification=spec)["ModelPackageArn"]
extra = {"Name": "neo", "Containers": [{"Image": "127.0.0.1:1/x:neo"}]}
sm.update_model_package(ModelPackageArn=arn, AdditionalInferenceSpecificationsToAdd=[extra])
sm.update_model_package(ModelPackageArn=arn, AdditionalInferenceSpecificationsToAdd=[dict(extra, Name="neo2")])
out["additional"] = [s["Name"] for s in sm.describe_model_package(ModelPackageName=arn)["AdditionalInferenceSpecifications"]]
print(json.dumps(out))
`;
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      errors: [
        'Missing ARN.',
        'Both ModelPackageName and ModelPackageGroupName are provided in the input. Cannot determine which one to use.',
        'Model Package Group does not exist.'
      ],
      additional: ['neo', 'neo2']
    });
  });
});
