/** What a list operation's caller asked for: where to continue, and how many items at most. */
export interface PageRequest {
  /** The token a previous page returned, as the wire delivered it; absent (or empty) for the first page. */
  token: unknown;
  pageSize: number;
  /** The service's own error for a token it did not issue. */
  invalidToken: () => Error;
}

export interface Page<T> {
  items: T[];
  /** Present when more items remain: what the caller passes back for the next page. */
  nextToken?: string;
}

/**
 * Pages a list the way AWS list operations do: at most `pageSize` items, and an opaque token when more
 * remain. The token encodes the offset of the next page; every list operation of the local stack pages
 * through here, so all tokens look alike and a forged one is refused alike.
 */
export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  const start =
    request.token === undefined || request.token === null || request.token === '' ? 0 : decode(request);
  const end = start + request.pageSize;
  const page = items.slice(start, end);
  return end < items.length ? { items: page, nextToken: encode(end) } : { items: page };
}

function encode(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decode({ token, invalidToken }: PageRequest): number {
  try {
    const { offset } = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as {
      offset: unknown;
    };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the service's error.
  }
  throw invalidToken();
}
