import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredComment {
  id: number;
  issue: number;
  repository: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

/** One review of a run's deployment to an environment (GitHub's "environment approvals" entry). */
export interface EnvironmentReview {
  environment: string;
  state: 'approved' | 'rejected';
  login: string;
  comment?: string;
}

export interface ApiRequest {
  method: string;
  path: string;
}

/**
 * A local stand-in for the parts of GitHub's REST API the workflows call: a pull request's issue comments
 * (list, create, update), a pull request's state, and a workflow run's review history (who approved its
 * deployments to environments). It checks the bearer token as GitHub does
 * (401 "Bad credentials") and answers in GitHub's shapes, so code under test cannot tell the difference.
 */
export class GitHubApiStandIn {
  readonly comments: StoredComment[] = [];
  readonly requests: ApiRequest[] = [];
  /** `owner/repo#number` → state; a pull request not listed is open. */
  readonly pullStates = new Map<string, 'open' | 'closed'>();
  /**
   * `owner/repo` → the review history every run of that repository answers with (runs are local and
   * their ids made up as they start, so a test records the reviews for the repository's next runs).
   */
  readonly approvals = new Map<string, EnvironmentReview[]>();
  private nextId = 1000;
  private server: Server | undefined;

  constructor(private readonly token: string) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        send(response, 500, { message: String(error) });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('The GitHub API stand-in is not started.');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A comment someone else wrote, as if posted through the API. */
  addComment(repository: string, issue: number, body: string): StoredComment {
    const now = new Date().toISOString();
    const comment = { id: this.nextId++, repository, issue, body, createdAt: now, updatedAt: now };
    this.comments.push(comment);
    return comment;
  }

  commentsOn(repository: string, issue: number): StoredComment[] {
    return this.comments.filter((comment) => comment.repository === repository && comment.issue === issue);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname });
    const authorization = request.headers.authorization ?? '';
    if (authorization !== `Bearer ${this.token}` && authorization !== `token ${this.token}`) {
      send(response, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest'
      });
      return;
    }
    const body = await readJson(request);
    const issueComments = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const oneComment = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    const pull = /^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)$/.exec(url.pathname);
    const runApprovals = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/approvals$/.exec(url.pathname);
    if (issueComments && request.method === 'GET') {
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = this.commentsOn(issueComments[1] as string, Number(issueComments[2]));
      send(
        response,
        200,
        all.slice((page - 1) * perPage, page * perPage).map((comment) => this.shape(comment))
      );
    } else if (issueComments && request.method === 'POST') {
      if (typeof body?.['body'] !== 'string') return send(response, 422, { message: 'Invalid request.' });
      const comment = this.addComment(issueComments[1] as string, Number(issueComments[2]), body['body']);
      send(response, 201, this.shape(comment));
    } else if (oneComment && request.method === 'PATCH') {
      const comment = this.comments.find(
        (item) => item.repository === oneComment[1] && item.id === Number(oneComment[2])
      );
      if (!comment) return send(response, 404, { message: 'Not Found' });
      if (typeof body?.['body'] !== 'string') return send(response, 422, { message: 'Invalid request.' });
      comment.body = body['body'];
      comment.updatedAt = new Date().toISOString();
      send(response, 200, this.shape(comment));
    } else if (pull && request.method === 'GET') {
      const key = `${pull[1]}#${pull[2]}`;
      send(response, 200, { number: Number(pull[2]), state: this.pullStates.get(key) ?? 'open' });
    } else if (runApprovals && request.method === 'GET') {
      const reviews = this.approvals.get(runApprovals[1] as string) ?? [];
      send(
        response,
        200,
        reviews.map((review, index) => shapeReview(review, index))
      );
    } else {
      send(response, 404, { message: 'Not Found' });
    }
  }

  private shape(comment: StoredComment) {
    return {
      id: comment.id,
      body: comment.body,
      html_url: `https://github.com/${comment.repository}/pull/${comment.issue}#issuecomment-${comment.id}`,
      user: { login: 'github-actions[bot]' },
      created_at: comment.createdAt,
      updated_at: comment.updatedAt
    };
  }
}

/** GitHub's shape of a review-history entry (the environment's id and URLs made up). */
function shapeReview(review: EnvironmentReview, index: number) {
  return {
    state: review.state,
    comment: review.comment ?? '',
    environments: [
      {
        id: 100 + index,
        node_id: `EN_${index}`,
        name: review.environment,
        url: `https://api.github.com/repos/environments/${review.environment}`,
        html_url: `https://github.com/deployments/activity_log?environments_filter=${review.environment}`,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z'
      }
    ],
    user: { login: review.login, id: 5000 + index, type: 'User' }
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
