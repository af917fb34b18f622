import type { MetricBus } from '../../metrics.js';

/** What InvokeEndpoint reports of one invocation, once the container answered or failed to. */
export interface InvocationReport {
  answered(status: number, modelLatencyMs: number): void;
  /** The container did not answer (timeout, connection refused): a server-side error, without latency. */
  unanswered(): void;
}

/**
 * SageMaker's endpoint invocation metrics (AWS/SageMaker, dimensions EndpointName and VariantName):
 * Invocations, Invocation4XXErrors and Invocation5XXErrors (1 or 0 for every invocation, so error rates
 * average correctly), ModelLatency and OverheadLatency in microseconds. `receivedAt` is performance.now()
 * when the request arrived: overhead is the time from then to the answer, minus the model's.
 */
export function invocationMetrics(
  bus: MetricBus | undefined,
  region: string,
  endpointName: string,
  variantName: string,
  receivedAt: number
): InvocationReport {
  const publish = (metricName: string, value: number, unit: string) =>
    bus?.publish({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensions: { EndpointName: endpointName, VariantName: variantName },
      value,
      unit,
      timestamp: new Date(),
      region
    });
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
