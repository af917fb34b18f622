import type { Log } from '../../lib/log.js';
import type { CommentsApi, IssueComment } from './github-api.js';
import { nextState, renderComment, type PreviewEvent } from './render.js';
import { decodeState } from './state.js';

export interface StickyResult {
  comment: IssueComment;
  created: boolean;
}

/** Creates the pull request's preview comment once; every later run rewrites that same comment. */
export async function upsertPreviewComment(
  api: CommentsApi,
  event: PreviewEvent,
  log: Log
): Promise<StickyResult> {
  const existing = await api.findPreviewComment();
  const state = nextState(existing ? decodeState(existing.body ?? '') : {}, event);
  const body = renderComment(state);
  if (existing) {
    const comment = await api.update(existing.id, body);
    log.info(`Updated the preview comment ${comment.html_url ?? `#${existing.id}`}.`);
    return { comment, created: false };
  }
  const comment = await api.create(body);
  log.info(`Posted the preview comment ${comment.html_url ?? `#${comment.id}`}.`);
  return { comment, created: true };
}
