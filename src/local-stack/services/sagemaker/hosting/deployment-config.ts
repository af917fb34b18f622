import type {
  Alarm,
  AutoRollbackConfig,
  BlueGreenUpdatePolicy,
  CapacitySize,
  DeploymentConfig,
  RollingUpdatePolicy,
  TrafficRoutingConfig
} from '@aws-sdk/client-sagemaker';
import { validationError } from '../../../wire/errors.js';
import { wireMembers, wireText, type WireInput } from '../../../wire/types.js';

/**
 * How an update shifts traffic to the new fleet, from the endpoint's DeploymentConfig, as SageMaker's
 * deployment guardrails document it: after each shift comes a baking period (WaitIntervalInSeconds) in
 * which the AutoRollbackConfiguration alarms are watched; after the last one, TerminationWaitInSeconds
 * passes (alarms no longer watched) before the old fleet is terminated. The whole update, fleet start
 * included, must finish within MaximumExecutionTimeoutInSeconds or it rolls back.
 */
export interface RolloutPlan {
  /** The new fleet's share of traffic after each shift, ascending; the last is 1. */
  steps: number[];
  bakeSeconds: number;
  terminationWaitSeconds: number;
  alarmNames: string[];
  maximumExecutionSeconds?: number;
}

/** Without a DeploymentConfig SageMaker shifts all traffic at once, with no baking period. */
const ALL_AT_ONCE: RolloutPlan = { steps: [1], bakeSeconds: 0, terminationWaitSeconds: 0, alarmNames: [] };

/**
 * Checks a DeploymentConfig as SageMaker's model constrains it and returns it with only the members it
 * defines, so DescribeEndpoint's LastDeploymentConfig echoes exactly what was accepted.
 */
export function parseDeploymentConfig(given: unknown): DeploymentConfig {
  const config = structure<DeploymentConfig>(given, 'deploymentConfig');
  if (config.BlueGreenUpdatePolicy !== undefined && config.RollingUpdatePolicy !== undefined) {
    throw validationError(
      'DeploymentConfig can have either a BlueGreenUpdatePolicy or a RollingUpdatePolicy, not both.'
    );
  }
  return {
    ...(config.BlueGreenUpdatePolicy !== undefined && {
      BlueGreenUpdatePolicy: parseBlueGreen(config.BlueGreenUpdatePolicy)
    }),
    ...(config.RollingUpdatePolicy !== undefined && {
      RollingUpdatePolicy: parseRolling(config.RollingUpdatePolicy)
    }),
    ...(config.AutoRollbackConfiguration !== undefined && {
      AutoRollbackConfiguration: parseAutoRollback(config.AutoRollbackConfiguration)
    })
  };
}

/**
 * The rollout of an update to a fleet of `instanceCount` instances. Sizes are checked against that
 * count as SageMaker does: a canary at most half the new fleet, a linear step 10–50% of it.
 */
export function planRollout(config: DeploymentConfig | undefined, instanceCount: number): RolloutPlan {
  const alarmNames = (config?.AutoRollbackConfiguration?.Alarms ?? []).map((alarm) =>
    String(alarm.AlarmName)
  );
  const blueGreen = config?.BlueGreenUpdatePolicy;
  const rolling = config?.RollingUpdatePolicy;
  if (blueGreen) {
    const routing = blueGreen.TrafficRoutingConfiguration!;
    let steps = [1];
    if (routing.Type === 'CANARY') {
      const canary = fraction(routing.CanarySize!, instanceCount);
      if (canary > 0.5) {
        throw validationError(
          `CanarySize ${describeSize(routing.CanarySize!)} is more than 50% of the new fleet's ` +
            `${instanceCount} instance(s). Use a smaller canary, or more instances.`
        );
      }
      steps = [canary, 1];
    } else if (routing.Type === 'LINEAR') {
      const step = fraction(routing.LinearStepSize!, instanceCount);
      if (step < 0.1 || step > 0.5) {
        throw validationError(
          `LinearStepSize ${describeSize(routing.LinearStepSize!)} must be 10-50% of the new fleet's ` +
            `${instanceCount} instance(s).`
        );
      }
      steps = linearSteps(step);
    }
    return {
      steps,
      bakeSeconds: routing.WaitIntervalInSeconds ?? 0,
      terminationWaitSeconds: blueGreen.TerminationWaitInSeconds ?? 0,
      alarmNames,
      ...(blueGreen.MaximumExecutionTimeoutInSeconds !== undefined && {
        maximumExecutionSeconds: blueGreen.MaximumExecutionTimeoutInSeconds
      })
    };
  }
  if (rolling) {
    // The local stack runs the new fleet whole; a rolling update shifts traffic batch by batch as linear does.
    return {
      steps: linearSteps(Math.min(1, fraction(rolling.MaximumBatchSize!, instanceCount))),
      bakeSeconds: rolling.WaitIntervalInSeconds ?? 0,
      terminationWaitSeconds: 0,
      alarmNames,
      ...(rolling.MaximumExecutionTimeoutInSeconds !== undefined && {
        maximumExecutionSeconds: rolling.MaximumExecutionTimeoutInSeconds
      })
    };
  }
  return { ...ALL_AT_ONCE, alarmNames };
}

/** Shares after each of the equal steps of size `step`: 0.25 → [0.25, 0.5, 0.75, 1]. */
function linearSteps(step: number): number[] {
  const count = Math.ceil(1 / step - 1e-9);
  return Array.from({ length: count }, (_, index) => Math.min(1, (index + 1) * step));
}

function fraction(size: CapacitySize, instanceCount: number): number {
  return size.Type === 'INSTANCE_COUNT' ? Number(size.Value) / instanceCount : Number(size.Value) / 100;
}

function describeSize(size: CapacitySize): string {
  return size.Type === 'INSTANCE_COUNT' ? `of ${size.Value} instance(s)` : `of ${size.Value}%`;
}

function parseBlueGreen(given: unknown): BlueGreenUpdatePolicy {
  const path = 'deploymentConfig.blueGreenUpdatePolicy';
  const policy = structure<BlueGreenUpdatePolicy>(given, path);
  const routing = parseRouting(policy.TrafficRoutingConfiguration, `${path}.trafficRoutingConfiguration`);
  const termination = integer(policy.TerminationWaitInSeconds, `${path}.terminationWaitInSeconds`, 0, 3600);
  const timeout = integer(
    policy.MaximumExecutionTimeoutInSeconds,
    `${path}.maximumExecutionTimeoutInSeconds`,
    600,
    28800
  );
  return {
    TrafficRoutingConfiguration: routing,
    ...(termination !== undefined && { TerminationWaitInSeconds: termination }),
    ...(timeout !== undefined && { MaximumExecutionTimeoutInSeconds: timeout })
  };
}

function parseRouting(given: unknown, path: string): TrafficRoutingConfig {
  const routing = structure<TrafficRoutingConfig>(required(given, path), path);
  const type = required(routing.Type, `${path}.type`);
  if (type !== 'ALL_AT_ONCE' && type !== 'CANARY' && type !== 'LINEAR') {
    throw enumError(type, `${path}.type`, ['ALL_AT_ONCE', 'CANARY', 'LINEAR']);
  }
  const wait = integer(
    required(routing.WaitIntervalInSeconds, `${path}.waitIntervalInSeconds`),
    `${path}.waitIntervalInSeconds`,
    0,
    3600
  )!;
  const sizeMember = type === 'CANARY' ? 'CanarySize' : type === 'LINEAR' ? 'LinearStepSize' : undefined;
  for (const member of ['CanarySize', 'LinearStepSize'] as const) {
    if (routing[member] !== undefined && member !== sizeMember) {
      throw validationError(`${member} is not allowed with traffic routing type ${type}.`);
    }
  }
  if (sizeMember && routing[sizeMember] === undefined) {
    throw validationError(`${sizeMember} is required with traffic routing type ${type}.`);
  }
  return {
    Type: type,
    WaitIntervalInSeconds: wait,
    ...(sizeMember && { [sizeMember]: parseSize(routing[sizeMember], `${path}.${lowerFirst(sizeMember)}`) })
  };
}

function parseRolling(given: unknown): RollingUpdatePolicy {
  const path = 'deploymentConfig.rollingUpdatePolicy';
  const policy = structure<RollingUpdatePolicy>(given, path);
  const batch = parseSize(
    required(policy.MaximumBatchSize, `${path}.maximumBatchSize`),
    `${path}.maximumBatchSize`
  );
  const wait = integer(
    required(policy.WaitIntervalInSeconds, `${path}.waitIntervalInSeconds`),
    `${path}.waitIntervalInSeconds`,
    0,
    3600
  );
  const timeout = integer(
    policy.MaximumExecutionTimeoutInSeconds,
    `${path}.maximumExecutionTimeoutInSeconds`,
    600,
    28800
  );
  return {
    MaximumBatchSize: batch,
    WaitIntervalInSeconds: wait,
    ...(timeout !== undefined && { MaximumExecutionTimeoutInSeconds: timeout }),
    ...(policy.RollbackMaximumBatchSize !== undefined && {
      RollbackMaximumBatchSize: parseSize(policy.RollbackMaximumBatchSize, `${path}.rollbackMaximumBatchSize`)
    })
  };
}

function parseSize(given: unknown, path: string): CapacitySize {
  const size = structure<CapacitySize>(given, path);
  const type = required(size.Type, `${path}.type`);
  if (type !== 'INSTANCE_COUNT' && type !== 'CAPACITY_PERCENT') {
    throw enumError(type, `${path}.type`, ['INSTANCE_COUNT', 'CAPACITY_PERCENT']);
  }
  const value = integer(required(size.Value, `${path}.value`), `${path}.value`, 1, Number.MAX_SAFE_INTEGER)!;
  if (type === 'CAPACITY_PERCENT' && value > 100) {
    throw validationError(`${path}.value ${value} is not a percentage: use 1 to 100 with CAPACITY_PERCENT.`);
  }
  return { Type: type, Value: value };
}

function parseAutoRollback(given: unknown): AutoRollbackConfig {
  const path = 'deploymentConfig.autoRollbackConfiguration';
  const config = structure<AutoRollbackConfig>(given, path);
  if (config.Alarms === undefined) return {};
  const alarms: unknown = config.Alarms;
  if (!Array.isArray(alarms) || alarms.length < 1 || alarms.length > 10) {
    throw validationError(
      `1 validation error detected: Value at '${path}.alarms' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 10 and greater than or equal to 1'
    );
  }
  return {
    Alarms: alarms.map((entry: unknown, index): Alarm => {
      const name = wireMembers<Alarm>(structure(entry, `${path}.alarms.${index + 1}`)).AlarmName;
      if (typeof name !== 'string' || name.length < 1 || name.length > 255) {
        throw validationError(
          `1 validation error detected: Value at '${path}.alarms.${index + 1}.alarmName' failed to satisfy ` +
            'constraint: Member must have length between 1 and 255'
        );
      }
      return { AlarmName: name };
    })
  };
}

function structure<T>(given: unknown, path: string): WireInput<T> {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw validationError(`1 validation error detected: Value at '${path}' must be a structure.`);
  }
  return wireMembers<T>(given);
}

function required<T>(value: T | undefined | null, path: string): T {
  if (value === undefined || value === null) {
    throw validationError(
      `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`
    );
  }
  return value;
}

function integer(value: unknown, path: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validationError(
      `1 validation error detected: Value '${wireText(value)}' at '${path}' failed to satisfy constraint: ` +
        (max === Number.MAX_SAFE_INTEGER
          ? `Member must have value greater than or equal to ${min}`
          : `Member must have value between ${min} and ${max}`)
    );
  }
  return value;
}

function enumError(value: unknown, path: string, values: string[]) {
  return validationError(
    `1 validation error detected: Value '${wireText(value)}' at '${path}' failed to satisfy constraint: ` +
      `Member must satisfy enum value set: [${values.join(', ')}]`
  );
}

function lowerFirst(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}
