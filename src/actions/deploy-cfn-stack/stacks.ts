import {
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type CloudFormationClient,
  type Stack,
  type StackResourceSummary
} from '@aws-sdk/client-cloudformation';

/** The stack by name or ID, or undefined when there is none (CloudFormation answers ValidationError). */
export async function describeStack(
  client: CloudFormationClient,
  stackName: string
): Promise<Stack | undefined> {
  try {
    const response = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return response.Stacks?.[0];
  } catch (error) {
    if (isStackMissing(error)) return undefined;
    throw error;
  }
}

export function isStackMissing(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return name === 'ValidationError' && typeof message === 'string' && /does not exist/.test(message);
}

/** Every resource of the stack, through all pages. */
export async function listStackResources(
  client: CloudFormationClient,
  stackId: string
): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListStackResourcesCommand({
        StackName: stackId,
        ...(nextToken !== undefined && { NextToken: nextToken })
      })
    );
    resources.push(...(page.StackResourceSummaries ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return resources;
}

/** The stack's outputs as a plain map (OutputKey → OutputValue). */
export function stackOutputs(stack: Stack): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey !== undefined) outputs[output.OutputKey] = output.OutputValue ?? '';
  }
  return outputs;
}

/** CloudFormation's answer when another operation holds the stack: "Stack:arn... is in UPDATE_IN_PROGRESS state and can not be updated." */
export function isStackBusy(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return (
    name === 'ValidationError' &&
    typeof message === 'string' &&
    /is in [A-Z_]+_IN_PROGRESS state/.test(message)
  );
}
