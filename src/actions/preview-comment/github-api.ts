import { ActionError } from '../../lib/errors.js';
import { isPreviewComment } from './state.js';

export interface IssueComment {
  id: number;
  body?: string;
  html_url?: string;
}

export interface CommentTarget {
  apiUrl: string;
  token: string;
  repository: string;
  pullRequest: number;
}

const PAGE_SIZE = 100;

/**
 * The issue-comments endpoints of GitHub's REST API (a pull request's conversation is its issue's),
 * called with plain fetch at GITHUB_API_URL, so GitHub Enterprise Server and stand-ins work alike.
 */
export class CommentsApi {
  constructor(
    private readonly target: CommentTarget,
    private readonly fetchImpl: typeof fetch = fetch
  ) {}

  /** The preview comment on the pull request (the oldest, if a race ever made two), or undefined. */
  async findPreviewComment(): Promise<IssueComment | undefined> {
    for (let page = 1; ; page += 1) {
      const comments = (await this.request(
        'GET',
        `/repos/${this.target.repository}/issues/${this.target.pullRequest}/comments?per_page=${PAGE_SIZE}&page=${page}`
      )) as IssueComment[];
      const found = comments.find((comment) => isPreviewComment(comment.body));
      if (found || comments.length < PAGE_SIZE) return found;
    }
  }

  async create(body: string): Promise<IssueComment> {
    return (await this.request(
      'POST',
      `/repos/${this.target.repository}/issues/${this.target.pullRequest}/comments`,
      { body }
    )) as IssueComment;
  }

  async update(id: number, body: string): Promise<IssueComment> {
    return (await this.request('PATCH', `/repos/${this.target.repository}/issues/comments/${id}`, {
      body
    })) as IssueComment;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.target.apiUrl.replace(/\/+$/, '')}${path}`;
    const response = await this.fetchImpl(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${this.target.token}`,
        'user-agent': 'modelship-preview-comment',
        'x-github-api-version': '2022-11-28',
        ...(body !== undefined && { 'content-type': 'application/json' })
      },
      ...(body !== undefined && { body: JSON.stringify(body) })
    }).catch((error: unknown) => {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? String(error);
      throw new ActionError(
        `Cannot reach GitHub's API for ${method} ${url}: ${cause}.`,
        'Check GITHUB_API_URL (set by the runner; GitHub Enterprise Server has its own).'
      );
    });
    if (response.ok) return response.json();
    const detail = await response.text().catch(() => '');
    throw new ActionError(
      `GitHub API ${method} ${url} answered ${response.status}: ${detail.slice(0, 300)}.`,
      hint(response.status)
    );
  }
}

function hint(status: number): string {
  if (status === 401) return "The token was refused: pass the workflow's GITHUB_TOKEN as 'github-token'.";
  if (status === 403 || status === 404)
    return (
      "Give the job 'permissions: pull-requests: write' (a fork's pull request gets a read-only token, so " +
      'fork previews report in the job summary instead).'
    );
  return 'Re-run the job; if it persists, check https://www.githubstatus.com.';
}
