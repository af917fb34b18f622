import type { StackContext } from '../../context.js';
import { combineOperations, type ServiceDefinition } from '../../wire/types.js';
import { alarmOperations } from './alarm-operations.js';
import { AlarmStore } from './alarm-store.js';
import { QUERY_ERRORS } from './errors.js';
import { AlarmEvaluator } from './evaluator.js';
import { metricOperations } from './metric-operations.js';
import { MetricStore } from './metric-store.js';
import { sampleSummary } from './statistics.js';

/** How often alarms are looked at (each is evaluated once per period) and datapoints written out. */
const TICK_MS = 2000;
const PRUNE_EVERY_MS = 60_000;

export interface CloudWatchOptions {
  /** Wall-clock time in epoch milliseconds; tests pass their own. */
  now?: () => number;
  tickMs?: number;
}

/**
 * Amazon CloudWatch (signing name `monitoring`): metrics, including those other services report on the
 * stack's MetricBus, and metric alarms evaluated continuously. Answered in both protocols its clients
 * send: JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.*`: current SDKs, boto3, AWS CLI) and
 * Query (older clients). Both definitions share one set of operations, so `stack.invoke('monitoring', ...)`
 * reaches the same alarms.
 */
export function createCloudWatchService(
  stack: Pick<StackContext, 'state' | 'metrics' | 'region' | 'onShutdown'>,
  options: CloudWatchOptions = {}
): ServiceDefinition[] {
  const now = options.now ?? Date.now;
  const metrics = new MetricStore(stack.state);
  const alarms = new AlarmStore(stack.state);
  const evaluator = new AlarmEvaluator(alarms, metrics, now);

  stack.metrics.subscribe((observation) => {
    metrics.record(
      observation.region ?? stack.region,
      {
        Namespace: observation.namespace,
        MetricName: observation.metricName,
        Dimensions: Object.entries(observation.dimensions)
          .map(([Name, Value]) => ({ Name, Value }))
          .sort((a, b) => (a.Name < b.Name ? -1 : 1))
      },
      observation.timestamp,
      observation.unit,
      sampleSummary(observation.value)
    );
  });

  let lastPrune = 0;
  const timer = setInterval(() => {
    evaluator.tick();
    if (now() - lastPrune >= PRUNE_EVERY_MS) {
      metrics.prune(now());
      lastPrune = now();
    }
    metrics.flush();
  }, options.tickMs ?? TICK_MS);
  timer.unref();
  stack.onShutdown(() => {
    clearInterval(timer);
    metrics.flush();
  });

  const operations = combineOperations(
    metricOperations(metrics, now),
    alarmOperations(alarms, (region, name) => evaluator.reevaluate(region, name), now)
  );
  return [
    {
      protocol: 'json',
      signingName: 'monitoring',
      targetPrefix: 'GraniteServiceVersion20100801',
      jsonVersion: '1.0',
      operations,
      queryErrors: QUERY_ERRORS
    },
    {
      protocol: 'query',
      signingName: 'monitoring',
      xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
      operations
    }
  ];
}
