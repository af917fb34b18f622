import { Agent, request, type OutgoingHttpHeaders } from 'node:http';

/** What a model container answered on /invocations. */
export interface ContainerAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The container did not answer within the time SageMaker allows (60 seconds). */
export class ContainerTimeout extends Error {}

/** Nothing answered: the container refused or dropped the connection. */
export class ContainerUnreachable extends Error {}

/**
 * Connections to containers are kept alive and reused: opening one per request would cap an endpoint
 * far below what a load test sends through the local stack.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });

export function postInvocation(
  containerUrl: string,
  headers: OutgoingHttpHeaders,
  body: Buffer,
  timeoutMs: number
): Promise<ContainerAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${containerUrl}/invocations`,
      { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(new ContainerUnreachable(error.message)));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 502,
            headers: Object.fromEntries(
              Object.entries(response.headers).flatMap(([name, value]) =>
                typeof value === 'string' ? [[name, value]] : []
              )
            ),
            body: Buffer.concat(chunks)
          })
        );
      }
    );
    outgoing.setTimeout(timeoutMs, () => {
      outgoing.destroy(new ContainerTimeout(`no answer within ${timeoutMs} ms`));
    });
    outgoing.on('error', (error) =>
      reject(error instanceof ContainerTimeout ? error : new ContainerUnreachable(error.message))
    );
    outgoing.end(body);
  });
}
