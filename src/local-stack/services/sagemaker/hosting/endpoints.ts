import {
  FleetCancelled,
  FleetFailure,
  LABELS,
  startFleet,
  stopFleet,
  type Fleet,
  type FleetOptions
} from './fleet.js';
import type { AlarmReader } from './alarms.js';
import { shiftTraffic, type RolloutContext, type RolloutProgress } from './blue-green.js';
import { planRollout } from './deployment-config.js';
import type { Deployment, EndpointRecord, HostingStore } from './records.js';
import type { TrafficTable } from './traffic.js';

/** What blue/green updates need beyond the fleets: alarm states and their clock. */
export interface GuardrailOptions {
  alarms: AlarmReader;
  /** How long one second of a DeploymentConfig lasts: 1000, or less in tests. */
  secondMs: number;
  /** How often the rollback alarms are read during a baking period. */
  alarmPollMs: number;
}

/** How long a replaced fleet may finish the requests it was answering before it is removed. */
const DRAIN_TIMEOUT_MS = 60_000;

/**
 * Runs endpoints' containers in the background of the operations that change them, as SageMaker does:
 * CreateEndpoint and UpdateEndpoint return at once and DescribeEndpoint shows the progress.
 *
 * - create: Creating → InService once every container passes /ping; Failed (with the reason) otherwise.
 * - update (blue/green): the new fleet starts beside the serving one; once it is healthy, traffic shifts
 *   to it as the endpoint's DeploymentConfig says (blue-green.ts), then the old fleet drains and stops.
 *   If the new fleet fails to start, the old one never stopped serving: the endpoint returns to
 *   InService with its previous config and FailureReason says why. If an alarm trips during a baking
 *   period or MaximumExecutionTimeoutInSeconds passes, the update rolls back (RollingBack): all traffic
 *   returns to the old fleet, the new one is removed, and the endpoint is InService on its previous
 *   config, or UpdateRollbackFailed when the old fleet no longer runs.
 * - delete: traffic stops at once (Deleting), the containers are removed, then the endpoint is gone.
 */
export class EndpointController {
  private readonly deployments = new Map<EndpointRecord, AbortController>();
  private readonly tasks = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly store: HostingStore,
    private readonly traffic: TrafficTable,
    private readonly fleetOptions: FleetOptions,
    private readonly guardrails: GuardrailOptions
  ) {}

  /** Deploys `record.pending` (status Creating, Updating or SystemUpdating). */
  deploy(region: string, record: EndpointRecord): void {
    const deployment = record.pending;
    if (!deployment) return;
    const abort = new AbortController();
    this.deployments.get(record)?.abort();
    this.deployments.set(record, abort);
    const wasStatus = record.EndpointStatus;
    const serving = this.traffic.fleet(region, record.EndpointName);
    if (wasStatus === 'Updating' && serving && record.serving) {
      this.track(this.update(region, record, deployment, serving, abort.signal));
      return;
    }
    this.track(
      startFleet(record.EndpointName, deployment, this.fleetOptions, abort.signal).then(
        (fleet) => this.switchTo(region, record, deployment, fleet),
        (error: unknown) => this.fail(region, record, deployment, wasStatus, error)
      )
    );
  }

  delete(region: string, record: EndpointRecord): void {
    this.deployments.get(record)?.abort();
    const fleet = this.traffic.fleet(region, record.EndpointName);
    const shifted = this.traffic.shifted(region, record.EndpointName)?.fleet;
    this.traffic.withdraw(region, record.EndpointName);
    record.EndpointStatus = 'Deleting';
    record.LastModifiedTime = new Date();
    this.store.save();
    this.track(
      (async () => {
        try {
          if (fleet) await stopFleet(fleet, this.fleetOptions.engine);
          if (shifted) await stopFleet(shifted, this.fleetOptions.engine);
          await this.fleetOptions.engine.remove(await this.containersOf(record.EndpointName));
        } finally {
          // A container Docker failed to remove still carries the stack's label: the next start removes it.
          if (!this.stopping && this.store.endpoint(region, record.EndpointName) === record) {
            this.store.deleteEndpoint(region, record.EndpointName);
          }
        }
      })()
    );
  }

  /**
   * After a start: removes containers a previous run of the stack left behind, then brings every
   * endpoint back. Serving endpoints restart their fleets (SystemUpdating → InService); an interrupted
   * creation starts again; an interrupted deletion completes.
   */
  async restore(): Promise<void> {
    // Statuses change before the first await, so no request sees a restored endpoint as InService early.
    const restarting: { region: string; endpoint: EndpointRecord }[] = [];
    for (const { region, endpoint } of this.store.allEndpoints()) {
      if (endpoint.EndpointStatus === 'Deleting') {
        this.store.deleteEndpoint(region, endpoint.EndpointName);
      } else if (endpoint.serving) {
        endpoint.pending = endpoint.serving;
        endpoint.EndpointStatus = 'SystemUpdating';
        restarting.push({ region, endpoint });
      } else if (endpoint.EndpointStatus === 'Creating' && endpoint.pending) {
        restarting.push({ region, endpoint });
      }
    }
    this.store.save();
    await this.fleetOptions.engine.remove(
      await this.fleetOptions.engine.find({ [LABELS.stack]: this.fleetOptions.stackLabel })
    );
    for (const { region, endpoint } of restarting) this.deploy(region, endpoint);
  }

  /** Stops every container of this stack (`modelship local down`); the records stay for the next start. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const abort of this.deployments.values()) abort.abort();
    await this.settled();
    await this.fleetOptions.engine.remove(
      await this.fleetOptions.engine.find({ [LABELS.stack]: this.fleetOptions.stackLabel })
    );
  }

  /** Stops every container and forgets the fleets (`modelship local reset`); the records go with the state. */
  async reset(): Promise<void> {
    await this.shutdown();
    this.traffic.clear();
    this.deployments.clear();
    this.stopping = false;
  }

  /** Resolves when no background work is under way. */
  async settled(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /**
   * A blue/green update of a serving endpoint: the new fleet starts beside `old`, traffic shifts to it
   * with baking periods, and the update completes or rolls back.
   */
  private async update(
    region: string,
    record: EndpointRecord,
    deployment: Deployment,
    old: Fleet,
    cancelled: AbortSignal
  ): Promise<void> {
    const plan = planRollout(
      record.DeploymentConfig,
      deployment.Variants.reduce((sum, variant) => sum + variant.InstanceCount, 0)
    );
    const timeout = new AbortController();
    const timer =
      plan.maximumExecutionSeconds === undefined
        ? undefined
        : setTimeout(() => timeout.abort(), plan.maximumExecutionSeconds * this.guardrails.secondMs);
    const timedOutReason = `the deployment did not finish within MaximumExecutionTimeoutInSeconds (${plan.maximumExecutionSeconds} seconds)`;
    try {
      this.report(record, { status: 'Creating', share: 0, since: new Date() });
      let fleet: Fleet;
      try {
        fleet = await startFleet(
          record.EndpointName,
          deployment,
          this.fleetOptions,
          AbortSignal.any([cancelled, timeout.signal])
        );
      } catch (error) {
        if (timeout.signal.aborted && !cancelled.aborted) {
          this.fail(
            region,
            record,
            deployment,
            'Updating',
            new FleetFailure(capitalize(timedOutReason) + '.')
          );
        } else {
          this.fail(region, record, deployment, 'Updating', error);
        }
        return;
      }
      if (this.stopping || !this.isCurrent(region, record, deployment)) {
        await stopFleet(fleet, this.fleetOptions.engine);
        return;
      }
      const context: RolloutContext = {
        traffic: this.traffic,
        alarms: this.guardrails.alarms,
        region,
        endpointName: record.EndpointName,
        secondMs: this.guardrails.secondMs,
        alarmPollMs: this.guardrails.alarmPollMs,
        report: (progress) => this.report(record, progress),
        cancelled,
        timedOut: timeout.signal
      };
      const outcome = await shiftTraffic(context, plan, fleet);
      if (outcome.kind === 'cancelled' || this.stopping || !this.isCurrent(region, record, deployment)) {
        await stopFleet(fleet, this.fleetOptions.engine);
        return;
      }
      if (outcome.kind === 'shifted') {
        await this.switchTo(region, record, deployment, fleet);
        return;
      }
      await this.rollBack(
        region,
        record,
        deployment,
        old,
        fleet,
        outcome.kind === 'timed-out' ? timedOutReason : outcome.reason
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Returns all traffic to the old fleet and removes the new one. The endpoint is RollingBack meanwhile,
   * then InService on its previous config, or UpdateRollbackFailed if the old fleet stopped running.
   */
  private async rollBack(
    region: string,
    record: EndpointRecord,
    deployment: Deployment,
    old: Fleet,
    fleet: Fleet,
    reason: string
  ): Promise<void> {
    record.EndpointStatus = 'RollingBack';
    record.LastModifiedTime = new Date();
    this.store.save();
    this.traffic.serve(region, record.EndpointName, old);
    await this.traffic.drained(fleet, DRAIN_TIMEOUT_MS);
    await stopFleet(fleet, this.fleetOptions.engine);
    if (this.stopping || !this.isCurrent(region, record, deployment)) return;
    const stopped = await this.stoppedContainers(old);
    const previous = record.serving?.EndpointConfigName ?? old.endpointConfigName;
    delete record.pending;
    delete record.rollout;
    this.deployments.delete(record);
    record.LastModifiedTime = new Date();
    if (stopped.length === 0) {
      record.EndpointStatus = 'InService';
      record.FailureReason = truncateReason(
        `Failed to update endpoint to endpoint config ${deployment.EndpointConfigName} and rolled back to ` +
          `endpoint config ${previous}: ${reason}.`
      );
    } else {
      record.EndpointStatus = 'UpdateRollbackFailed';
      record.FailureReason = truncateReason(
        `Failed to update endpoint to endpoint config ${deployment.EndpointConfigName} (${reason}), and the ` +
          `rollback to endpoint config ${previous} failed: its container(s) ${stopped.join(', ')} no longer run. ` +
          'Update the endpoint to a working endpoint config, or delete it.'
      );
    }
    this.store.save();
  }

  /** The old fleet's containers that have stopped (or were removed) while the update ran. */
  private async stoppedContainers(fleet: Fleet): Promise<string[]> {
    const containers = fleet.variants.flatMap((variant) =>
      variant.instances.flatMap((instance) => instance.containers)
    );
    const states = await Promise.all(
      containers.map((container) => this.fleetOptions.engine.state(container.id).catch(() => undefined))
    );
    return containers.filter((_, index) => states[index]?.running !== true).map((container) => container.id);
  }

  private report(record: EndpointRecord, progress: RolloutProgress): void {
    record.rollout = progress;
    this.store.save();
  }

  private async switchTo(
    region: string,
    record: EndpointRecord,
    deployment: Deployment,
    fleet: Fleet
  ): Promise<void> {
    if (this.stopping || !this.isCurrent(region, record, deployment)) {
      await stopFleet(fleet, this.fleetOptions.engine);
      return;
    }
    const previous = this.traffic.fleet(region, record.EndpointName);
    this.traffic.serve(region, record.EndpointName, fleet);
    // As SageMaker's blue/green update does, the endpoint is InService once the old fleet is gone.
    if (previous && previous !== fleet) {
      await this.traffic.drained(previous, DRAIN_TIMEOUT_MS);
      await stopFleet(previous, this.fleetOptions.engine);
    }
    if (this.stopping || !this.isCurrent(region, record, deployment)) return;
    record.EndpointConfigName = deployment.EndpointConfigName;
    record.serving = {
      EndpointConfigName: deployment.EndpointConfigName,
      Variants: fleet.variants.map((variant) => variant.deployment)
    };
    delete record.pending;
    delete record.rollout;
    delete record.FailureReason;
    record.EndpointStatus = 'InService';
    record.LastModifiedTime = new Date();
    this.deployments.delete(record);
    this.store.save();
  }

  private fail(
    region: string,
    record: EndpointRecord,
    deployment: Deployment,
    wasStatus: EndpointRecord['EndpointStatus'],
    error: unknown
  ): void {
    if (this.stopping || error instanceof FleetCancelled || !this.isCurrent(region, record, deployment)) {
      return;
    }
    const reason = error instanceof FleetFailure ? error.reason : String(error);
    delete record.pending;
    delete record.rollout;
    this.deployments.delete(record);
    record.LastModifiedTime = new Date();
    if (wasStatus === 'Updating' && record.serving) {
      record.EndpointStatus = 'InService';
      record.FailureReason =
        `Failed to update endpoint to endpoint config ${deployment.EndpointConfigName}; ` +
        `it keeps serving endpoint config ${record.serving.EndpointConfigName}. ${reason}`;
    } else {
      record.EndpointStatus = 'Failed';
      record.FailureReason = reason;
      if (wasStatus === 'SystemUpdating') delete record.serving;
    }
    this.store.save();
  }

  private isCurrent(region: string, record: EndpointRecord, deployment: Deployment): boolean {
    return this.store.endpoint(region, record.EndpointName) === record && record.pending === deployment;
  }

  private containersOf(endpointName: string): Promise<string[]> {
    return this.fleetOptions.engine.find({
      [LABELS.stack]: this.fleetOptions.stackLabel,
      [LABELS.endpoint]: endpointName.toLowerCase()
    });
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch(() => undefined).finally(() => this.tasks.delete(tracked));
    this.tasks.add(tracked);
  }
}

/** SageMaker's FailureReason is at most 1024 characters. */
function truncateReason(reason: string): string {
  return reason.length <= 1024 ? reason : `${reason.slice(0, 1021)}...`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
