import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A local MLflow tracking server answering the Model Registry endpoints of MLflow's REST API (2.0) that
 * register-model uses, written from the API reference: request and response shapes, error bodies
 * `{error_code, message}` with RESOURCE_ALREADY_EXISTS, RESOURCE_DOES_NOT_EXIST and
 * INVALID_PARAMETER_VALUE, and auth as a server behind basic or bearer auth answers it (401, 403).
 */
export interface MlflowServerOptions {
  /** Accepted `Authorization: Bearer <token>`. */
  token?: string;
  /** Accepted basic-auth users; `readOnly` users get 403 on writes. */
  users?: { username: string; password: string; readOnly?: boolean }[];
}

interface Tag {
  key: string;
  value: string;
}

interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: string;
  description: string;
  source: string;
  run_id: string;
  run_link: string;
  status: 'READY';
  tags: Tag[];
}

interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string;
  tags: Tag[];
  aliases: Map<string, string>;
  versions: ModelVersion[];
  lastVersion: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface RunningMlflowServer {
  url: string;
  requests: RecordedRequest[];
  models: Map<string, RegisteredModel>;
  close(): Promise<void>;
}

class MlflowError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message);
  }
}

const notFound = (message: string) => new MlflowError(404, 'RESOURCE_DOES_NOT_EXIST', message);
const invalid = (message: string) => new MlflowError(400, 'INVALID_PARAMETER_VALUE', message);

type Parameters = Record<string, unknown>;
type Handler = (parameters: Parameters) => unknown;

/** A parameter as text: a string as given, anything else (a number in a JSON body) as its JSON. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export async function startMlflowServer(options: MlflowServerOptions = {}): Promise<RunningMlflowServer> {
  const models = new Map<string, RegisteredModel>();
  const requests: RecordedRequest[] = [];

  const requireString = (parameters: Parameters, name: string): string => {
    const value = parameters[name];
    if (typeof value !== 'string' || value === '') {
      throw invalid(
        `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`
      );
    }
    return value;
  };
  const requireModel = (name: string): RegisteredModel => {
    const model = models.get(name);
    if (!model) throw notFound(`Registered Model with name=${name} not found`);
    return model;
  };
  const requireVersion = (model: RegisteredModel, version: string): ModelVersion => {
    const found = model.versions.find((candidate) => candidate.version === version);
    if (!found) throw notFound(`Model Version (name=${model.name}, version=${version}) not found`);
    return found;
  };
  const tagsOf = (parameters: Parameters): Tag[] => {
    const tags = parameters['tags'] ?? [];
    if (!Array.isArray(tags)) throw invalid("Invalid value for parameter 'tags'");
    return tags.map((tag: Parameters) => ({
      key: requireString(tag, 'key'),
      value: asText(tag['value'] ?? '')
    }));
  };
  const aliasesOf = (model: RegisteredModel, version: string) =>
    [...model.aliases].filter(([, target]) => target === version).map(([alias]) => alias);
  const versionView = (model: RegisteredModel, version: ModelVersion) => ({
    ...version,
    aliases: aliasesOf(model, version.version)
  });
  const modelView = (model: RegisteredModel) => ({
    name: model.name,
    creation_timestamp: model.creation_timestamp,
    last_updated_timestamp: model.last_updated_timestamp,
    description: model.description,
    tags: model.tags,
    aliases: [...model.aliases].map(([alias, version]) => ({ alias, version })),
    latest_versions: model.versions.slice(-1).map((version) => versionView(model, version))
  });

  const routes: Record<string, Handler> = {
    'POST registered-models/create'(parameters) {
      const name = requireString(parameters, 'name');
      if (models.has(name)) {
        throw new MlflowError(
          400,
          'RESOURCE_ALREADY_EXISTS',
          `Registered Model (name=${name}) already exists.`
        );
      }
      const now = Date.now();
      const model: RegisteredModel = {
        name,
        creation_timestamp: now,
        last_updated_timestamp: now,
        description: typeof parameters['description'] === 'string' ? parameters['description'] : '',
        tags: tagsOf(parameters),
        aliases: new Map(),
        versions: [],
        lastVersion: 0
      };
      models.set(name, model);
      return { registered_model: modelView(model) };
    },
    'GET registered-models/get'(parameters) {
      return { registered_model: modelView(requireModel(requireString(parameters, 'name'))) };
    },
    'DELETE registered-models/delete'(parameters) {
      requireModel(requireString(parameters, 'name'));
      models.delete(String(parameters['name']));
      return {};
    },
    'POST model-versions/create'(parameters) {
      const model = requireModel(requireString(parameters, 'name'));
      const source = requireString(parameters, 'source');
      const now = Date.now();
      model.lastVersion += 1;
      const version: ModelVersion = {
        name: model.name,
        version: String(model.lastVersion),
        creation_timestamp: now,
        last_updated_timestamp: now,
        current_stage: 'None',
        description: typeof parameters['description'] === 'string' ? parameters['description'] : '',
        source,
        run_id: typeof parameters['run_id'] === 'string' ? parameters['run_id'] : '',
        run_link: typeof parameters['run_link'] === 'string' ? parameters['run_link'] : '',
        status: 'READY',
        tags: tagsOf(parameters)
      };
      model.versions.push(version);
      model.last_updated_timestamp = now;
      return { model_version: versionView(model, version) };
    },
    'GET model-versions/get'(parameters) {
      const model = requireModel(requireString(parameters, 'name'));
      return {
        model_version: versionView(model, requireVersion(model, requireString(parameters, 'version')))
      };
    },
    'DELETE model-versions/delete'(parameters) {
      const model = requireModel(requireString(parameters, 'name'));
      const version = requireVersion(model, requireString(parameters, 'version'));
      model.versions = model.versions.filter((candidate) => candidate !== version);
      for (const alias of aliasesOf(model, version.version)) model.aliases.delete(alias);
      return {};
    },
    'GET model-versions/search'(parameters) {
      const filter = typeof parameters['filter'] === 'string' ? parameters['filter'] : '';
      const byName = /^name\s*=\s*'((?:[^'\\]|\\.)*)'$/.exec(filter.trim());
      if (filter !== '' && !byName)
        throw invalid(`Invalid filter '${filter}': this server supports name='<name>' only`);
      const name = byName?.[1]?.replace(/\\'/g, "'");
      const matching = [...models.values()]
        .filter((model) => name === undefined || model.name === name)
        .flatMap((model) => model.versions.map((version) => versionView(model, version)));
      const orderBy = typeof parameters['order_by'] === 'string' ? parameters['order_by'] : '';
      if (/^version_number DESC$/i.test(orderBy))
        matching.sort((a, b) => Number(b.version) - Number(a.version));
      const maxResults = Number(parameters['max_results'] ?? 10_000);
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 200_000) {
        throw invalid(`Invalid value for max_results: ${String(parameters['max_results'])}`);
      }
      const offset =
        parameters['page_token'] === undefined
          ? 0
          : Number(Buffer.from(asText(parameters['page_token']), 'base64').toString());
      const page = matching.slice(offset, offset + maxResults);
      const next = offset + maxResults;
      return {
        model_versions: page,
        ...(next < matching.length && { next_page_token: Buffer.from(String(next)).toString('base64') })
      };
    },
    'POST model-versions/set-tag'(parameters) {
      const model = requireModel(requireString(parameters, 'name'));
      const version = requireVersion(model, requireString(parameters, 'version'));
      const key = requireString(parameters, 'key');
      version.tags = [
        ...version.tags.filter((tag) => tag.key !== key),
        { key, value: asText(parameters['value'] ?? '') }
      ];
      return {};
    },
    'POST registered-models/alias'(parameters) {
      const model = requireModel(requireString(parameters, 'name'));
      const alias = requireString(parameters, 'alias');
      const version = requireVersion(model, requireString(parameters, 'version'));
      if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
        throw invalid(`'${alias}' alias name (case insensitive) is reserved.`);
      }
      model.aliases.set(alias, version.version);
      return {};
    },
    'GET registered-models/alias'(parameters) {
      const model = requireModel(requireString(parameters, 'name'));
      const alias = requireString(parameters, 'alias');
      const version = model.aliases.get(alias);
      if (version === undefined) throw notFound(`Registered model alias ${alias} not found.`);
      return { model_version: versionView(model, requireVersion(model, version)) };
    },
    'DELETE registered-models/alias'(parameters) {
      const model = requireModel(requireString(parameters, 'name'));
      model.aliases.delete(requireString(parameters, 'alias'));
      return {};
    }
  };

  const authorize = (request: IncomingMessage): void => {
    if (!options.token && !options.users) return;
    const header = request.headers.authorization ?? '';
    if (options.token && header === `Bearer ${options.token}`) return;
    const basic = /^Basic (.+)$/.exec(header)?.[1];
    // RFC 7617: the user id ends at the first colon; the password may hold more.
    const pair = basic ? Buffer.from(basic, 'base64').toString() : '';
    const [username, password] = [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)];
    const user = options.users?.find(
      (candidate) => candidate.username === username && candidate.password === password
    );
    if (!user)
      throw new MlflowError(
        401,
        'UNAUTHENTICATED',
        'You are not authenticated. Please provide valid credentials.'
      );
    if (user.readOnly && request.method !== 'GET') {
      throw new MlflowError(403, 'PERMISSION_DENIED', `Permission denied for user ${user.username}.`);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push({
      method: request.method ?? '',
      path: url.pathname,
      authorization: request.headers.authorization
    });
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    try {
      authorize(request);
      const endpoint = /^\/api\/2\.0\/mlflow\/(.+)$/.exec(url.pathname)?.[1];
      const route = endpoint ? routes[`${request.method} ${endpoint}`] : undefined;
      if (!route)
        throw new MlflowError(404, 'ENDPOINT_NOT_FOUND', `No endpoint ${request.method} ${url.pathname}`);
      let parameters: Parameters = Object.fromEntries(url.searchParams);
      if (request.method !== 'GET') {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          parameters = { ...parameters, ...(text === '' ? {} : (JSON.parse(text) as Parameters)) };
        } catch {
          throw new MlflowError(400, 'MALFORMED_REQUEST', 'Request body is not valid JSON');
        }
      }
      send(200, route(parameters));
    } catch (error) {
      if (error instanceof MlflowError)
        send(error.status, { error_code: error.code, message: error.message });
      else send(500, { error_code: 'INTERNAL_ERROR', message: String(error) });
    }
  };

  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    models,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
