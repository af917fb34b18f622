import { invalidArgument } from './errors.js';
import { compareKeys, type ObjectRecord } from './store.js';

export interface ListingRequest {
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  /** List only keys after this one (StartAfter, Marker, or where a continuation token left off). */
  after?: string;
  /** `after` was a common prefix: every key under it was rolled up into it already. */
  afterPrefix?: boolean;
}

export interface ListingPage {
  contents: ObjectRecord[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix of the page, where the next page starts. */
  last?: { name: string; isPrefix: boolean };
}

/**
 * One page of a listing, as S3 pages: keys in order, those containing the delimiter after the prefix
 * rolled up into one common prefix each, and keys plus common prefixes together at most `maxKeys`.
 * `records` are the bucket's objects under the prefix, in S3's key order.
 */
export function listPage(records: ObjectRecord[], request: ListingRequest): ListingPage {
  const page: ListingPage = { contents: [], commonPrefixes: [], truncated: false };
  const { after, delimiter } = request;
  for (const record of records) {
    if (
      after !== undefined &&
      (compareKeys(record.Key, after) <= 0 || (request.afterPrefix && record.Key.startsWith(after)))
    )
      continue;
    const rest = record.Key.slice(request.prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    const commonPrefix =
      delimiter && cut >= 0 ? request.prefix + rest.slice(0, cut + delimiter.length) : undefined;
    if (commonPrefix !== undefined && page.last?.isPrefix && page.last.name === commonPrefix) continue;
    if (page.contents.length + page.commonPrefixes.length >= request.maxKeys) {
      page.truncated = true;
      break;
    }
    if (commonPrefix !== undefined) {
      page.commonPrefixes.push(commonPrefix);
      page.last = { name: commonPrefix, isPrefix: true };
    } else {
      page.contents.push(record);
      page.last = { name: record.Key, isPrefix: false };
    }
  }
  return page;
}

/** A ContinuationToken: opaque to clients, it names where the page ended. */
export function continuationToken(last: { name: string; isPrefix: boolean }): string {
  return Buffer.from(JSON.stringify([last.name, last.isPrefix])).toString('base64url');
}

export function readContinuationToken(token: string): { after: string; afterPrefix: boolean } {
  try {
    const [name, isPrefix] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (typeof name === 'string' && typeof isPrefix === 'boolean')
      return { after: name, afterPrefix: isPrefix };
  } catch {
    // Not one of ours: refused below as S3 refuses it.
  }
  throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
}
