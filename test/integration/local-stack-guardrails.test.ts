import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import {
  runProgram,
  runProgramOrThrow,
  startLocalStack,
  type LocalStackHandle
} from '../helpers/local-stack.js';

/** The model image's build context: a tiny Perl server answering the SageMaker container contract. */
const MODEL_IMAGE_CONTEXT = join(PROJECT_ROOT, 'test/integration/local-stack-cloudformation-model');
const DOCKER_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 180_000;

/** What the observer script saw: answers grouped by the new fleet's share while the update baked. */
interface Observation {
  stages: { share: number; versions: string[] }[];
  final: { status: string; config: string };
  after: string[];
}

/**
 * Runs an UpdateEndpoint with a DeploymentConfig through boto3 and invokes the endpoint while it bakes.
 * Answers count for a stage only when DescribeEndpoint showed the same share (PendingDeploymentSummary's
 * CurrentWeight) before and after them, so each answer is attributed to the split it was routed by.
 */
const OBSERVE_UPDATE = `
import json, sys, time, boto3
sm = boto3.client("sagemaker")
rt = boto3.client("sagemaker-runtime")
name, config, deployment = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

def stage():
    described = sm.describe_endpoint(EndpointName=name)
    pending = described.get("PendingDeploymentSummary")
    if described["EndpointStatus"] != "Updating" or not pending:
        return described["EndpointStatus"], None
    variant = pending["ProductionVariants"][0]
    baking = (variant.get("VariantStatus") or [{}])[0].get("Status") == "Baking"
    return "Updating", variant.get("CurrentWeight") if baking else None

def version():
    answer = rt.invoke_endpoint(EndpointName=name, ContentType="text/csv", Body=b"1")
    return json.loads(answer["Body"].read())["version"]

sm.update_endpoint(EndpointName=name, EndpointConfigName=config, DeploymentConfig=deployment)
stages = []
while True:
    status, share = stage()
    if status != "Updating":
        break
    if share is None:
        time.sleep(0.2)
        continue
    versions = [version() for _ in range(8)]
    if stage() != ("Updating", share):
        continue
    if not stages or stages[-1]["share"] != share:
        stages.append({"share": share, "versions": []})
    stages[-1]["versions"] += versions
final = sm.describe_endpoint(EndpointName=name)
print(json.dumps({
    "stages": stages,
    "final": {"status": final["EndpointStatus"], "config": final["EndpointConfigName"]},
    "after": [version() for _ in range(8)],
}))
`;

/**
 * Deploys the shipped real-time template with a healthy image, then updates it to an image that passes
 * /ping but fails every invocation, while a thread keeps invoking the endpoint. The template's errors
 * alarm (Invocation5XXErrors, evaluated by the local CloudWatch from that traffic) must fire during the
 * bake and roll the update back. Prints what the clients saw.
 */
const ROLLBACK_UNDER_TRAFFIC = `
import json, sys, threading, time, boto3
from botocore.exceptions import ClientError
cfn = boto3.client("cloudformation")
sm = boto3.client("sagemaker")
rt = boto3.client("sagemaker-runtime")
cw = boto3.client("cloudwatch")
stack, endpoint, template_path, good, bad, bake = sys.argv[1:7]
template = open(template_path).read()

def parameters(image):
    return [{"ParameterKey": key, "ParameterValue": value} for key, value in {
        "ImageUri": image, "EndpointName": endpoint, "ModelVersion": image.rsplit(":", 1)[1],
        "ExecutionRoleArn": "arn:aws:iam::000000000000:role/modelship-sagemaker-execution",
        "BakeTimeSeconds": bake}.items()]

def version():
    return json.loads(rt.invoke_endpoint(EndpointName=endpoint, ContentType="text/csv", Body=b"1")["Body"].read())["version"]

cfn.create_stack(StackName=stack, TemplateBody=template, Parameters=parameters(good))
cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig={"Delay": 2, "MaxAttempts": 150})
outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]}
errors_alarm = cfn.describe_stack_resource(StackName=stack, LogicalResourceId="ErrorsAlarm")["StackResourceDetail"]["PhysicalResourceId"]

answers = {}
stop = threading.Event()
def traffic():
    while not stop.is_set():
        try:
            key = version()
        except ClientError as error:
            key = error.response["Error"]["Code"]
        answers[key] = answers.get(key, 0) + 1
        time.sleep(0.05)
thread = threading.Thread(target=traffic)
thread.start()

cfn.update_stack(StackName=stack, TemplateBody=template, Parameters=parameters(bad))
statuses, alarm_states = [], []
while cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"].endswith("IN_PROGRESS"):
    status = sm.describe_endpoint(EndpointName=endpoint)["EndpointStatus"]
    if not statuses or statuses[-1] != status:
        statuses.append(status)
    state = cw.describe_alarms(AlarmNames=[errors_alarm])["MetricAlarms"][0]["StateValue"]
    if not alarm_states or alarm_states[-1] != state:
        alarm_states.append(state)
    time.sleep(0.1)
stop.set()
thread.join()

events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
failure = next(e for e in events if e["LogicalResourceId"] == "Endpoint" and e["ResourceStatus"] == "UPDATE_FAILED")
final = sm.describe_endpoint(EndpointName=endpoint)
print(json.dumps({
    "stackStatus": cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"],
    "configBefore": outputs["EndpointConfigName"],
    "endpoint": {"status": final["EndpointStatus"], "config": final["EndpointConfigName"],
                 "failureReason": final.get("FailureReason", "")},
    "failure": failure["ResourceStatusReason"],
    "errorsAlarm": errors_alarm,
    "statuses": statuses,
    "alarmStates": alarm_states,
    "answers": answers,
    "after": [version() for _ in range(8)],
}))
cfn.delete_stack(StackName=stack)
cfn.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig={"Delay": 2, "MaxAttempts": 150})
`;

/**
 * SageMaker's deployment guardrails on the local stack with real containers, through boto3: CANARY and
 * LINEAR traffic shifting seen in InvokeEndpoint answers (each image answers with its own version), and
 * the shipped template's alarm rolling a bad update back.
 */
describe('local SageMaker deployment guardrails with real containers', () => {
  const repository = `guardrails-it-${process.pid}/model`;
  const dockerConfig = mkdtempSync(join(tmpdir(), 'guardrails-it-docker-'));
  const images: string[] = [];
  const versions = new Map<string, string>();
  let stack: LocalStackHandle;

  const boto3 = async (script: string, args: string[] = []) =>
    (await runProgramOrThrow('python3', ['-c', script, ...args], { env: stack.env })).stdout;

  /** Builds and pushes the model image `tag`; `healthy` is the fixture's MODEL_HEALTHY. */
  async function pushImage(tag: string, healthy: 'true' | 'fails-invocations'): Promise<string> {
    const reference = `${stack.registryHost}/${repository}:${tag}`;
    await runProgramOrThrow('docker', [
      'build',
      '-q',
      '-t',
      reference,
      '--build-arg',
      `VERSION=${tag}`,
      '--build-arg',
      `HEALTHY=${healthy}`,
      MODEL_IMAGE_CONTEXT
    ]);
    images.push(reference);
    await runProgramOrThrow('docker', ['--config', dockerConfig, 'push', reference]);
    return reference;
  }

  /** A model and endpoint config named `name` running the image of `version` on `instances` containers. */
  const endpointConfig = (name: string, version: string, instances: number) =>
    boto3(
      `
import sys, boto3
sm = boto3.client("sagemaker")
name, image, instances = sys.argv[1], sys.argv[2], int(sys.argv[3])
sm.create_model(ModelName=name, PrimaryContainer={"Image": image},
                ExecutionRoleArn="arn:aws:iam::000000000000:role/modelship-sagemaker-execution")
sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{"VariantName": "AllTraffic",
    "ModelName": name, "InitialInstanceCount": instances, "InstanceType": "ml.m5.large"}])
`,
      [name, versions.get(version)!, String(instances)]
    );

  const createEndpoint = (name: string, config: string) =>
    boto3(
      `
import sys, boto3
sm = boto3.client("sagemaker")
sm.create_endpoint(EndpointName=sys.argv[1], EndpointConfigName=sys.argv[2])
sm.get_waiter("endpoint_in_service").wait(EndpointName=sys.argv[1], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
`,
      [name, config]
    );

  const deleteEndpoint = (name: string) =>
    boto3(
      `
import sys, boto3
sm = boto3.client("sagemaker")
sm.delete_endpoint(EndpointName=sys.argv[1])
sm.get_waiter("endpoint_deleted").wait(EndpointName=sys.argv[1], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
`,
      [name]
    );

  const observeUpdate = async (name: string, config: string, deployment: object): Promise<Observation> =>
    JSON.parse(await boto3(OBSERVE_UPDATE, [name, config, JSON.stringify(deployment)])) as Observation;

  const share = (versions: string[], version: string) =>
    versions.filter((answer) => answer === version).length / versions.length;

  beforeAll(async () => {
    stack = await startLocalStack();
    const token = JSON.parse(
      await boto3(`
import json, boto3
ecr = boto3.client("ecr")
ecr.create_repository(repositoryName="${repository}")
print(json.dumps(ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]))
`)
    ) as string;
    const [user, password] = Buffer.from(token, 'base64').toString().split(':') as [string, string];
    await runProgramOrThrow(
      'docker',
      ['--config', dockerConfig, 'login', '--username', user, '--password-stdin', stack.registryHost],
      { input: password }
    );
    versions.set('v1', await pushImage('v1', 'true'));
    versions.set('v2', await pushImage('v2', 'true'));
    versions.set('bad', await pushImage('bad', 'fails-invocations'));
  }, DOCKER_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.stop();
    if (images.length > 0) await runProgram('docker', ['rmi', '-f', ...images]);
    rmSync(dockerConfig, { recursive: true, force: true });
  }, DOCKER_TIMEOUT_MS);

  it(
    'shifts a CANARY of one of two new instances, then the rest, splitting InvokeEndpoint traffic meanwhile',
    async () => {
      await endpointConfig('canary-v1', 'v1', 1);
      await endpointConfig('canary-v2', 'v2', 2);
      await createEndpoint('canary', 'canary-v1');

      const observed = await observeUpdate('canary', 'canary-v2', {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: 'CANARY',
            CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 },
            WaitIntervalInSeconds: 8
          },
          TerminationWaitInSeconds: 1
        }
      });

      expect(observed.stages.map((stage) => stage.share)).toEqual([0.5, 1]);
      const [canary, full] = observed.stages as [Observation['stages'][0], Observation['stages'][0]];
      expect(new Set(canary.versions)).toEqual(new Set(['v1', 'v2']));
      expect(new Set(full.versions)).toEqual(new Set(['v2']));
      expect(observed.final).toEqual({ status: 'InService', config: 'canary-v2' });
      expect(new Set(observed.after)).toEqual(new Set(['v2']));
      await deleteEndpoint('canary');
    },
    TEST_TIMEOUT_MS
  );

  it(
    'shifts LINEAR steps of a quarter each, the new version answering more at every step',
    async () => {
      await endpointConfig('linear-v1', 'v1', 1);
      await endpointConfig('linear-v2', 'v2', 4);
      await createEndpoint('linear', 'linear-v1');

      const observed = await observeUpdate('linear', 'linear-v2', {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: 'LINEAR',
            LinearStepSize: { Type: 'INSTANCE_COUNT', Value: 1 },
            WaitIntervalInSeconds: 6
          }
        }
      });

      expect(observed.stages.map((stage) => stage.share)).toEqual([0.25, 0.5, 0.75, 1]);
      const [quarter, , threeQuarters, full] = observed.stages;
      for (const partial of observed.stages.slice(0, 3)) {
        expect(new Set(partial.versions)).toEqual(new Set(['v1', 'v2']));
      }
      expect(share(quarter!.versions, 'v2')).toBeLessThan(share(threeQuarters!.versions, 'v2'));
      expect(new Set(full!.versions)).toEqual(new Set(['v2']));
      expect(observed.final).toEqual({ status: 'InService', config: 'linear-v2' });
      expect(new Set(observed.after)).toEqual(new Set(['v2']));
      await deleteEndpoint('linear');
    },
    TEST_TIMEOUT_MS
  );

  it(
    'rolls a CloudFormation update back when the template’s errors alarm fires on real traffic during the bake',
    async () => {
      const observed = JSON.parse(
        await boto3(ROLLBACK_UNDER_TRAFFIC, [
          `guardrails-it-${process.pid}`,
          'guarded',
          join(PROJECT_ROOT, 'action-templates/cloudformation/realtime-endpoint.yaml'),
          versions.get('v1')!,
          versions.get('bad')!,
          '100'
        ])
      ) as {
        stackStatus: string;
        configBefore: string;
        endpoint: { status: string; config: string; failureReason: string };
        failure: string;
        errorsAlarm: string;
        statuses: string[];
        alarmStates: string[];
        answers: Record<string, number>;
        after: string[];
      };

      expect(observed.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(observed.endpoint).toMatchObject({ status: 'InService', config: observed.configBefore });
      expect(observed.endpoint.failureReason).toContain(
        `rolled back to endpoint config ${observed.configBefore}: CloudWatch alarm(s) [${observed.errorsAlarm}] ` +
          'went into ALARM state during the baking period.'
      );
      expect(observed.failure).toContain('could not be brought to InService');
      expect(observed.failure).toContain(`[${observed.errorsAlarm}]`);
      // The bad version got traffic during the bake and failed it; the alarm saw that and fired.
      expect(observed.answers['ModelError']).toBeGreaterThan(0);
      expect(observed.alarmStates).toContain('ALARM');
      expect(observed.statuses.indexOf('Updating')).toBeLessThan(observed.statuses.indexOf('RollingBack'));
      expect(observed.statuses.at(-1)).toBe('InService');
      expect(new Set(observed.after)).toEqual(new Set(['v1']));
    },
    TEST_TIMEOUT_MS
  );
});
