import type { SmokeRequest } from './cases.js';

/**
 * What one request to the endpoint came to: an answer from the model (any status), or no answer, with
 * whether the service said to slow down (`throttled`) or could not serve right now (`unavailable`: 5xx
 * from the service, or no connection).
 */
export type Outcome =
  | { kind: 'answer'; status: number; contentType?: string; body: Buffer }
  | { kind: 'throttled' | 'unavailable'; message: string };

/** Sends case requests to an endpoint: SageMaker Runtime (sagemaker-invoker.ts) or plain HTTP (http-invoker.ts). */
export interface EndpointInvoker {
  /** Where requests go, for logs and the report. */
  readonly target: string;
  invoke(request: SmokeRequest): Promise<Outcome>;
  /** Releases kept-alive connections. */
  close(): void;
}
