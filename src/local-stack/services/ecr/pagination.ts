import { invalidParameter } from './errors.js';

/**
 * Pages a sorted list the way ECR's list operations do: at most `maxResults` items and an opaque
 * `nextToken` when more remain. The token encodes the offset of the next page.
 */
export function paginate<T>(
  items: T[],
  maxResults: number | undefined,
  nextToken: unknown,
  defaultPageSize: number
): { page: T[]; nextToken?: string } {
  const start = nextToken === undefined ? 0 : decodeToken(nextToken);
  const end = start + (maxResults ?? defaultPageSize);
  const page = items.slice(start, end);
  return end < items.length ? { page, nextToken: encodeToken(end) } : { page };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeToken(token: unknown): number {
  try {
    const { offset } = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as {
      offset: unknown;
    };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the error below.
  }
  throw invalidParameter('nextToken', 'must be a token returned by a previous call');
}
