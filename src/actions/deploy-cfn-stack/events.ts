import type { StackEvent } from '@aws-sdk/client-cloudformation';

/** One log line per event: time, resource, type, status and, when there is one, the reason. */
export function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? event.Timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `${time}  ${event.LogicalResourceId ?? '-'}  ${event.ResourceType ?? '-'}  ${event.ResourceStatus ?? '-'}${reason}`;
}

export function isStackEvent(event: StackEvent): boolean {
  return event.ResourceType === 'AWS::CloudFormation::Stack' && event.PhysicalResourceId === event.StackId;
}

/**
 * The event that explains a failure: the first resource (not the stack itself) that failed with a reason,
 * skipping the "cancelled" failures CloudFormation reports for resources it stopped because of another.
 */
export function firstFailure(events: readonly StackEvent[]): StackEvent | undefined {
  const failures = events.filter(
    (event) =>
      !isStackEvent(event) && (event.ResourceStatus ?? '').endsWith('_FAILED') && event.ResourceStatusReason
  );
  return failures.find((event) => !/cancelled/i.test(event.ResourceStatusReason ?? '')) ?? failures[0];
}
