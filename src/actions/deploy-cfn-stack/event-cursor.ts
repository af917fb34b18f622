import {
  DescribeStackEventsCommand,
  type CloudFormationClient,
  type StackEvent
} from '@aws-sdk/client-cloudformation';

/**
 * Reads a stack's events as they happen. CloudFormation lists events newest first, in pages; the cursor
 * remembers the newest event it has seen and returns, oldest first, only what came after it.
 */
export class StackEventCursor {
  private constructor(
    private readonly client: CloudFormationClient,
    private readonly stackId: string,
    private lastSeenId: string | undefined
  ) {}

  /** A cursor positioned after the stack's current newest event: only later events are returned. */
  static async atLatest(client: CloudFormationClient, stackId: string): Promise<StackEventCursor> {
    const page = await client.send(new DescribeStackEventsCommand({ StackName: stackId }));
    return new StackEventCursor(client, stackId, page.StackEvents?.[0]?.EventId);
  }

  async next(): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    let nextToken: string | undefined;
    page: do {
      const response = await this.client.send(
        new DescribeStackEventsCommand({
          StackName: this.stackId,
          ...(nextToken !== undefined && { NextToken: nextToken })
        })
      );
      for (const event of response.StackEvents ?? []) {
        if (event.EventId === this.lastSeenId) break page;
        fresh.push(event);
      }
      nextToken = response.NextToken;
    } while (nextToken);
    if (fresh[0]?.EventId !== undefined) this.lastSeenId = fresh[0].EventId;
    return fresh.reverse();
  }
}
