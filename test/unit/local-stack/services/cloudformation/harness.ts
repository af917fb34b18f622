import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
  type StackEvent
} from '@aws-sdk/client-cloudformation';
import { createCloudFormationService } from '../../../../../src/local-stack/services/cloudformation/index.js';
import { createIamService } from '../../../../../src/local-stack/services/iam/index.js';
import { createCloudWatchService } from '../../../../../src/local-stack/services/cloudwatch/index.js';
import { MetricBus } from '../../../../../src/local-stack/metrics.js';
import { IamStore } from '../../../../../src/local-stack/services/iam/store.js';
import { createInvoker } from '../../../../../src/local-stack/wire/invoke.js';
import type { ServiceDefinition } from '../../../../../src/local-stack/wire/types.js';
import {
  startEndpoint,
  TEST_CREDENTIALS,
  TEST_REGION,
  type RunningEndpoint
} from '../../../../helpers/local-endpoint.js';
import { createFakeSageMaker, type FakeSageMaker } from './fake-sagemaker.js';

export interface CloudFormationHarness {
  endpoint: RunningEndpoint;
  client: CloudFormationClient;
  sagemaker: FakeSageMaker;
  /** Waits for every background stack operation, then stops the endpoint. */
  close(): Promise<void>;
}

/** An in-process local endpoint with CloudFormation over a fake SageMaker, the local IAM and CloudWatch, and an SDK v3 client for it. */
export async function startCloudFormation(dataDir?: string): Promise<CloudFormationHarness> {
  const sagemaker = createFakeSageMaker();
  let settled: () => Promise<void> = async () => undefined;
  const shutdown: (() => Promise<void> | void)[] = [];
  const endpoint = await startEndpoint((state) => {
    const services: ServiceDefinition[] = [
      sagemaker.service,
      createIamService(new IamStore(state)),
      ...createCloudWatchService({
        state,
        metrics: new MetricBus(),
        region: TEST_REGION,
        onShutdown: (hook) => void shutdown.push(hook)
      })
    ];
    const cloudformation = createCloudFormationService({
      state,
      invoke: createInvoker(services),
      pollIntervalMs: 5
    });
    settled = cloudformation.settled;
    services.push(cloudformation.service);
    return services;
  }, dataDir);
  const client = new CloudFormationClient({
    region: TEST_REGION,
    endpoint: endpoint.url,
    credentials: TEST_CREDENTIALS
  });
  return {
    endpoint,
    client,
    sagemaker,
    close: async () => {
      await settled();
      for (const hook of shutdown) await hook();
      client.destroy();
      await endpoint.close();
    }
  };
}

/** Polls DescribeStacks (as a client's waiter would) until the stack leaves *_IN_PROGRESS. */
export async function waitForStack(client: CloudFormationClient, stackName: string): Promise<Stack> {
  for (;;) {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** All events, oldest first, as "LogicalId STATUS" lines (reason appended when there is one). */
export async function eventLines(
  client: CloudFormationClient,
  stackName: string,
  withReasons = false
): Promise<string[]> {
  const events: StackEvent[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new DescribeStackEventsCommand({ StackName: stackName, NextToken }));
    events.push(...(page.StackEvents ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return events
    .reverse()
    .map((event) =>
      [event.LogicalResourceId, event.ResourceStatus, withReasons ? event.ResourceStatusReason : undefined]
        .filter((part) => part !== undefined)
        .join(' ')
    );
}
