import type { CommentState } from './types.js';

/** The first line of every preview comment: how a later run finds the comment it owns. */
export const MARKER = '<!-- modelship-preview -->';

const STATE_PREFIX = '<!-- modelship-preview-state ';
const STATE_PATTERN = /<!-- modelship-preview-state ([A-Za-z0-9+/=]+) -->/;

/** The state as a hidden HTML comment (base64, so no `-->` in a value can end it early). */
export function encodeState(state: CommentState): string {
  return `${STATE_PREFIX}${Buffer.from(JSON.stringify(state)).toString('base64')} -->`;
}

/** The state a comment carries; empty for a comment without one (or one edited by hand past reading). */
export function decodeState(body: string): CommentState {
  const match = STATE_PATTERN.exec(body);
  if (!match?.[1]) return {};
  try {
    const value: unknown = JSON.parse(Buffer.from(match[1], 'base64').toString('utf8'));
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

export function isPreviewComment(body: string | undefined): boolean {
  return body?.startsWith(MARKER) === true;
}
