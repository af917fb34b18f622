import type { AlarmReader } from './alarms.js';
import type { RolloutPlan } from './deployment-config.js';
import type { Fleet } from './fleet.js';
import type { TrafficTable } from './traffic.js';

/** Where a blue/green update stands, for DescribeEndpoint's PendingDeploymentSummary. */
export interface RolloutProgress {
  status: 'Creating' | 'ActivatingTraffic' | 'Baking';
  /** The new fleet's share of traffic. */
  share: number;
  message?: string;
  since: Date;
}

export type RolloutOutcome =
  | { kind: 'shifted' }
  | { kind: 'rolled-back'; reason: string }
  /** The endpoint is being deleted or the stack stops; nothing more to do. */
  | { kind: 'cancelled' }
  | { kind: 'timed-out' };

export interface RolloutContext {
  traffic: TrafficTable;
  alarms: AlarmReader;
  region: string;
  endpointName: string;
  /** How long one second of the DeploymentConfig lasts (1000; less in tests). */
  secondMs: number;
  /** How often alarms are read during a baking period. */
  alarmPollMs: number;
  report(progress: RolloutProgress): void;
  /** Aborted when the endpoint is deleted or the stack stops. */
  cancelled: AbortSignal;
  /** Aborted when MaximumExecutionTimeoutInSeconds has passed. */
  timedOut: AbortSignal;
}

/**
 * Shifts traffic from `old` to `fleet` step by step as the plan says, baking after each shift while the
 * alarms are watched, then waits TerminationWaitInSeconds. On return with `shifted`, all traffic goes
 * to the new fleet; on any other outcome the caller takes the traffic back.
 */
export async function shiftTraffic(
  context: RolloutContext,
  plan: RolloutPlan,
  fleet: Fleet
): Promise<RolloutOutcome> {
  const { traffic, region, endpointName } = context;
  for (const share of plan.steps) {
    const interrupted = interruption(context);
    if (interrupted) return interrupted;
    traffic.shift(region, endpointName, fleet, share);
    context.report({ status: 'ActivatingTraffic', share, since: new Date() });
    if (plan.bakeSeconds === 0) continue;
    context.report({
      status: 'Baking',
      share,
      message: `${Math.round(share * 100)}% of the traffic on the new fleet; baking for ${plan.bakeSeconds} seconds`,
      since: new Date()
    });
    const tripped = await bake(context, plan);
    if (tripped !== undefined) return { kind: 'rolled-back', reason: tripped };
  }
  const share = plan.steps.at(-1) ?? 1;
  if (plan.terminationWaitSeconds > 0) {
    context.report({
      status: 'Baking',
      share,
      message: `Waiting ${plan.terminationWaitSeconds} seconds (TerminationWaitInSeconds) before terminating the old fleet`,
      since: new Date()
    });
    await sleep(plan.terminationWaitSeconds * context.secondMs, context);
  }
  return interruption(context) ?? { kind: 'shifted' };
}

/**
 * One baking period: the alarms are read at its start and then every `alarmPollMs` until it ends.
 * Returns why the update must roll back, or undefined when the period passed (or was interrupted).
 */
async function bake(context: RolloutContext, plan: RolloutPlan): Promise<string | undefined> {
  const end = Date.now() + plan.bakeSeconds * context.secondMs;
  for (;;) {
    if (interruption(context)) return undefined;
    if (plan.alarmNames.length > 0) {
      let inAlarm: string[];
      try {
        inAlarm = await context.alarms(context.region, plan.alarmNames);
      } catch (error) {
        return (
          `the alarms of AutoRollbackConfiguration could not be read with cloudwatch:DescribeAlarms ` +
          `(${error instanceof Error ? error.message : String(error)})`
        );
      }
      if (inAlarm.length > 0) {
        return `CloudWatch alarm(s) [${inAlarm.join(', ')}] went into ALARM state during the baking period`;
      }
    }
    const left = end - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(left, context.alarmPollMs), context);
  }
}

function interruption(context: RolloutContext): RolloutOutcome | undefined {
  if (context.cancelled.aborted) return { kind: 'cancelled' };
  if (context.timedOut.aborted) return { kind: 'timed-out' };
  return undefined;
}

/** Waits `ms`, or less when the update is cancelled or times out. */
function sleep(ms: number, context: RolloutContext): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      context.cancelled.removeEventListener('abort', done);
      context.timedOut.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    context.cancelled.addEventListener('abort', done, { once: true });
    context.timedOut.addEventListener('abort', done, { once: true });
  });
}
