import { ActionError } from '../../lib/errors.js';
import { basicAuthorization, maskSecret, type Mask } from '../../lib/secrets.js';

/** A model version as MLflow's REST API returns it (ModelVersion in the API reference). */
export interface MlflowModelVersion {
  name: string;
  version: string;
  source?: string;
  run_id?: string;
  status?: string;
  tags?: { key: string; value: string }[];
  aliases?: string[];
}

/** An error the tracking server answered with (`error_code` as in MLflow's databricks_pb2 codes). */
export class MlflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string
  ) {
    super(message);
    this.name = 'MlflowApiError';
  }
}

/**
 * The Authorization header MLflow's own clients send: a bearer token from MLFLOW_TRACKING_TOKEN, else
 * basic auth from MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, else from the tracking URI's
 * user information. Every credential present is masked as it is read, whether or not it is used.
 */
export function authorizationHeader(
  env: NodeJS.ProcessEnv,
  urlAuthorization: string | undefined,
  mask: Mask
): string | undefined {
  const token = env['MLFLOW_TRACKING_TOKEN'];
  const username = env['MLFLOW_TRACKING_USERNAME'];
  const password = env['MLFLOW_TRACKING_PASSWORD'];
  if (token) maskSecret(token, mask);
  if (password) maskSecret(password, mask);
  const basic = username && password ? basicAuthorization({ username, password }, mask) : urlAuthorization;
  return token ? `Bearer ${token}` : basic;
}

/** The Model Registry endpoints of MLflow's REST API (2.0) the action uses. */
export class MlflowClient {
  constructor(
    private readonly trackingUri: string,
    private readonly authorization: string | undefined
  ) {}

  async getRegisteredModel(name: string): Promise<boolean> {
    try {
      await this.call('GET', 'registered-models/get', { name });
      return true;
    } catch (error) {
      if (error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return false;
      throw error;
    }
  }

  async createRegisteredModel(
    name: string,
    description: string,
    tags: Record<string, string>
  ): Promise<void> {
    await this.call('POST', 'registered-models/create', {
      name,
      ...(description !== '' && { description }),
      tags: toTags(tags)
    });
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.call('DELETE', 'registered-models/delete', { name });
  }

  async createModelVersion(request: {
    name: string;
    source: string;
    runId?: string;
    runLink?: string;
    description?: string;
    tags: Record<string, string>;
  }): Promise<MlflowModelVersion> {
    const response = await this.call<{ model_version: MlflowModelVersion }>('POST', 'model-versions/create', {
      name: request.name,
      source: request.source,
      ...(request.runId !== undefined && { run_id: request.runId }),
      ...(request.runLink && { run_link: request.runLink }),
      ...(request.description && { description: request.description }),
      tags: toTags(request.tags)
    });
    return response.model_version;
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.call('DELETE', 'model-versions/delete', { name, version });
  }

  async getModelVersion(name: string, version: string): Promise<MlflowModelVersion> {
    const response = await this.call<{ model_version: MlflowModelVersion }>('GET', 'model-versions/get', {
      name,
      version
    });
    return response.model_version;
  }

  /** Every version of a registered model, newest first. */
  async versionsOf(name: string): Promise<MlflowModelVersion[]> {
    const versions: MlflowModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.call<{ model_versions?: MlflowModelVersion[]; next_page_token?: string }>(
        'GET',
        'model-versions/search',
        {
          filter: `name='${name.replace(/'/g, "\\'")}'`,
          max_results: '200',
          order_by: 'version_number DESC',
          ...(pageToken !== undefined && { page_token: pageToken })
        }
      );
      versions.push(...(page.model_versions ?? []));
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    return versions.sort((a, b) => Number(b.version) - Number(a.version));
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  async setVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { name, version, key, value });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', 'registered-models/alias', { name, alias });
  }

  async versionByAlias(name: string, alias: string): Promise<MlflowModelVersion> {
    const response = await this.call<{ model_version: MlflowModelVersion }>(
      'GET',
      'registered-models/alias',
      {
        name,
        alias
      }
    );
    return response.model_version;
  }

  /** GET and DELETE carry their parameters in the query string, POST in a JSON body, as MLflow's clients do. */
  private async call<T = unknown>(
    method: string,
    endpoint: string,
    parameters: Record<string, unknown>
  ): Promise<T> {
    const url = new URL(`${this.trackingUri.replace(/\/+$/, '')}/api/2.0/mlflow/${endpoint}`);
    const headers: Record<string, string> = {};
    if (this.authorization) headers['Authorization'] = this.authorization;
    let body: string | undefined;
    if (method === 'GET') {
      for (const [key, value] of Object.entries(parameters)) url.searchParams.set(key, String(value));
    } else {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(parameters);
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(body !== undefined && { body }) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ActionError(
        `Cannot reach the MLflow tracking server at ${this.trackingUri} (${cause?.code ?? cause?.message ?? String(error)}).`,
        "Check 'tracking-uri' and that the server is running and reachable from the runner."
      );
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new ActionError(
        `The MLflow tracking server refused ${method} ${endpoint} with HTTP ${response.status} ` +
          `(${response.status === 401 ? 'not authenticated' : 'permission denied'}).`,
        response.status === 401
          ? 'Set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, from a secret.'
          : 'The credentials are valid but lack permission on this registered model: grant it, or use other credentials.'
      );
    }
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      if (response.ok) throw new ActionError(`MLflow answered ${endpoint} with a body that is not JSON.`);
    }
    if (!response.ok) {
      const code =
        typeof parsed['error_code'] === 'string' ? parsed['error_code'] : `HTTP_${response.status}`;
      const message = typeof parsed['message'] === 'string' ? parsed['message'] : text.slice(0, 200);
      throw new MlflowApiError(response.status, code, `MLflow ${endpoint}: ${code}: ${message}`);
    }
    return parsed as T;
  }
}

function toTags(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
