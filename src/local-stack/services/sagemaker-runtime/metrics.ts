import type { MetricBus } from '../../metrics.js';

/** What InvokeEndpoint reports of one invocation, once the container answered or failed to. */
export interface InvocationReport {
  answered(status: number, modelLatencyMs: number): void;
  /** The container did not answer (timeout, connection refused): a server-side error, without latency. */
  unanswered(): void;
}

/**
 * SageMaker's endpoint invocation metrics (AWS/SageMaker, dimensions EndpointName and VariantName, and
 * those with the EndpointConfigName of the fleet that answered):
 * Invocations, Invocation4XXErrors and Invocation5XXErrors (1 or 0 for every invocation, so error rates
 * average correctly), ModelLatency and OverheadLatency in microseconds. `receivedAt` is performance.now()
 * when the request arrived: overhead is the time from then to the answer, minus the model's.
 */
export function invocationMetrics(
  bus: MetricBus | undefined,
  region: string,
  receivedAt: number,
  target: { EndpointName: string; VariantName: string; EndpointConfigName: string }
): InvocationReport {
  const { EndpointConfigName, ...variant } = target;
  // SageMaker publishes each metric per variant, and per variant and endpoint config: during a blue/green
  // update, alarms can then watch the new fleet alone.
  const publish = (metricName: string, value: number, unit: string) => {
    for (const dimensions of [variant, { ...variant, EndpointConfigName }]) {
      bus?.publish({
        namespace: 'AWS/SageMaker',
        metricName,
        dimensions,
        value,
        unit,
        timestamp: new Date(),
        region
      });
    }
  };
  const counts = (clientError: boolean, serverError: boolean) => {
    publish('Invocations', 1, 'Count');
    publish('Invocation4XXErrors', clientError ? 1 : 0, 'Count');
    publish('Invocation5XXErrors', serverError ? 1 : 0, 'Count');
  };
  return {
    answered(status, modelLatencyMs) {
      counts(status >= 400 && status < 500, status >= 500);
      const totalMs = performance.now() - receivedAt;
      publish('ModelLatency', Math.round(modelLatencyMs * 1000), 'Microseconds');
      publish('OverheadLatency', Math.max(0, Math.round((totalMs - modelLatencyMs) * 1000)), 'Microseconds');
    },
    unanswered() {
      counts(false, true);
    }
  };
}
