import express, { NextFunction, Request, Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, ObjectPart, WriteOptions, WriteResult } from './cluster';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  KUBERNETES_VERSION,
} from './discovery';
import {
  ApiError,
  badRequest,
  continueExpired,
  forbidden,
  internalError,
  methodNotAllowed,
  pathNotFound,
  unauthorized,
} from './errors';
import { faultResourceName, malformItem } from './faults';
import { isJsonObject, JsonObject, JsonValue } from './json';
import { resolveRoute, Route } from './routes';

/** The path prefix of the admin endpoints (faults, stats); product code never calls them. */
const ADMIN_PREFIX = '/__simulator';

/** The largest request body accepted (CloudNativePG clusters can be large). */
const BODY_LIMIT = '64mb';

/** The user a 403 names, like the real API's message does. */
const USER = 'system:serviceaccount:backstage:backstage';

const PUBLIC_ROUTES = new Set<Route['kind']>(['version', 'health']);

/** Sends a response body, counting its bytes in the cluster's `bytesSent`. */
function send(
  cluster: Cluster,
  res: Response,
  code: number,
  contentType: string,
  text: string,
): void {
  cluster.bytesSent += Buffer.byteLength(text);
  res.status(code).type(contentType).send(text);
}

function sendJson(
  cluster: Cluster,
  res: Response,
  code: number,
  body: JsonValue,
): void {
  send(cluster, res, code, 'application/json', JSON.stringify(body));
}

function sendError(cluster: Cluster, res: Response, error: ApiError): void {
  sendJson(cluster, res, error.code, error.toStatus());
}

function verbOf(method: string, route: Route): string {
  const isItem = route.kind === 'resource' && route.name !== undefined;
  switch (method) {
    case 'GET':
      return isItem || route.kind !== 'resource' ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return method.toLowerCase();
  }
}

/** The 403 the real API answers with, naming the verb, resource and namespace. */
function forbiddenFor(req: Request, route: Route | undefined): ApiError {
  const verb = route ? verbOf(req.method, route) : 'get';
  if (route?.kind !== 'resource') {
    return forbidden(
      `forbidden: User "${USER}" cannot ${verb} path "${req.path}"`,
    );
  }
  const { type, namespace, name, subresource } = route;
  const resource = subresource ? `${type.plural}/${subresource}` : type.plural;
  const subject = type.group ? `${type.plural}.${type.group}` : type.plural;
  return forbidden(
    `${subject}${
      name ? ` "${name}"` : ''
    } is forbidden: User "${USER}" cannot ${verb} resource "${resource}" in API group "${
      type.group
    }"${
      namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'
    }`,
  );
}

function faultError(
  status: number,
  req: Request,
  route: Route | undefined,
): ApiError {
  switch (status) {
    case 401:
      return unauthorized();
    case 403:
      return forbiddenFor(req, route);
    case 503:
      return new ApiError(
        503,
        'ServiceUnavailable',
        'the server is currently unable to handle the request',
      );
    default:
      return new ApiError(
        status,
        'InternalError',
        `Internal error occurred: simulated fault (HTTP ${status})`,
      );
  }
}

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

function writeOptions(req: Request): WriteOptions {
  const dryRun = queryString(req, 'dryRun');
  if (dryRun !== undefined && dryRun !== 'All') {
    throw badRequest(
      `dryRun: Unsupported value: "${dryRun}": supported values: "All"`,
    );
  }
  const fieldValidation = queryString(req, 'fieldValidation');
  if (
    fieldValidation !== undefined &&
    !['Strict', 'Warn', 'Ignore'].includes(fieldValidation)
  ) {
    throw badRequest(
      `fieldValidation: Unsupported value: "${fieldValidation}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  return {
    dryRun: dryRun === 'All',
    fieldValidation: (fieldValidation ??
      'Warn') as WriteOptions['fieldValidation'],
  };
}

function parseBody(req: Request): JsonValue {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (raw.trim() === '') {
    throw badRequest('the request body is empty');
  }
  try {
    return JSON.parse(raw) as JsonValue;
  } catch (error) {
    throw badRequest(
      `the request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function sendWrite(
  cluster: Cluster,
  res: Response,
  code: number,
  result: WriteResult,
): void {
  if (result.warnings.length > 0) {
    res.setHeader(
      'Warning',
      result.warnings.map(warning => `299 - ${JSON.stringify(warning)}`),
    );
  }
  sendJson(cluster, res, code, result.object);
}

/**
 * The annotation of a simulated Pod whose value the pod proxy serves for `GET
 * pods/<pod>:<port>/proxy/<path>`: `kube-simulator.backstage-dr.dev/proxy-<port>-<path>`, with the
 * path's `/` written `-` (e.g. `proxy-9187-metrics` for a Prometheus exporter).
 */
export const POD_PROXY_ANNOTATION_PREFIX =
  'kube-simulator.backstage-dr.dev/proxy-';

/**
 * The pod proxy subresource: answers with the text of the pod's `proxy-<port>-<path>`
 * annotation, as the process in the pod would. A pod that does not exist is a 404; a port or
 * path nothing answers on is the API server's 503 (`connection refused`).
 */
function servePodProxy(
  cluster: Cluster,
  req: Request,
  res: Response,
  route: Extract<Route, { kind: 'resource' }>,
): void {
  if (req.method !== 'GET') {
    throw methodNotAllowed();
  }
  const [pod, port = '80'] = route.name!.split(':');
  const object = cluster.get(route.type, route.namespace ?? '', pod) as {
    metadata?: { annotations?: Record<string, string> };
  };
  const key = `${POD_PROXY_ANNOTATION_PREFIX}${port}-${(
    route.proxyPath ?? ''
  ).replace(/\//g, '-')}`;
  const text = object.metadata?.annotations?.[key];
  if (text === undefined) {
    throw new ApiError(
      503,
      'ServiceUnavailable',
      `error trying to reach service: dial tcp ${pod}:${port}: connect: connection refused`,
    );
  }
  send(cluster, res, 200, 'text/plain; version=0.0.4; charset=utf-8', text);
}

/** Serves one resource route (collection, object, or subresource). */
function serveResource(
  cluster: Cluster,
  req: Request,
  res: Response,
  route: Extract<Route, { kind: 'resource' }>,
): void {
  const { type, name, subresource } = route;
  const namespace = route.namespace ?? '';
  const contentType = req.get('content-type') ?? '';
  if (name === undefined) {
    if (req.method === 'GET') {
      if (['true', '1'].includes(queryString(req, 'watch') ?? '')) {
        throw new ApiError(
          405,
          'MethodNotAllowed',
          'watch is not supported by this server',
        );
      }
      const { faults } = cluster;
      const continueToken = queryString(req, 'continue');
      if (faults.expireContinue && continueToken) {
        cluster.expiredContinues += 1;
        throw continueExpired(continueToken);
      }
      let limit = queryString(req, 'limit');
      // `limit` 0 (or none) asks for everything; a malformed one is refused by the list.
      if (
        faults.maxPageSize &&
        /^\d+$/.test(limit ?? '') &&
        Number(limit) > 0
      ) {
        limit = String(Math.min(Number(limit), faults.maxPageSize));
      }
      const list = cluster.list(type, route.namespace, {
        labelSelector: queryString(req, 'labelSelector'),
        fieldSelector: queryString(req, 'fieldSelector'),
        limit,
        continue: continueToken,
      });
      if (
        faults.malformedItems?.includes(faultResourceName(type)) &&
        Array.isArray(list.items)
      ) {
        list.items = list.items.map(item =>
          isJsonObject(item) ? malformItem(item) : item,
        );
      }
      sendJson(cluster, res, 200, list);
      return;
    }
    if (req.method === 'POST' && (namespace !== '' || !type.namespaced)) {
      const result = cluster.create(
        type,
        namespace,
        parseBody(req),
        writeOptions(req),
      );
      sendWrite(cluster, res, 201, result);
      return;
    }
    throw methodNotAllowed();
  }

  if (subresource === 'proxy') {
    servePodProxy(cluster, req, res, route);
    return;
  }

  if (subresource === 'scale') {
    switch (req.method) {
      case 'GET':
        sendJson(cluster, res, 200, cluster.getScale(type, namespace, name));
        return;
      case 'PUT': {
        const body = parseBody(req);
        sendWrite(
          cluster,
          res,
          200,
          cluster.updateScale(
            type,
            namespace,
            name,
            () => body,
            writeOptions(req),
          ),
        );
        return;
      }
      case 'PATCH':
        sendWrite(
          cluster,
          res,
          200,
          cluster.patchScale(
            type,
            namespace,
            name,
            contentType,
            parseBody(req),
            writeOptions(req),
          ),
        );
        return;
      default:
        throw methodNotAllowed();
    }
  }

  const part: ObjectPart = subresource === 'status' ? 'status' : 'main';
  switch (req.method) {
    case 'GET':
      sendJson(cluster, res, 200, cluster.get(type, namespace, name));
      return;
    case 'PUT':
      sendWrite(
        cluster,
        res,
        200,
        cluster.replace(
          type,
          namespace,
          name,
          part,
          parseBody(req),
          writeOptions(req),
        ),
      );
      return;
    case 'PATCH':
      sendWrite(
        cluster,
        res,
        200,
        cluster.patch(
          type,
          namespace,
          name,
          part,
          contentType,
          parseBody(req),
          writeOptions(req),
        ),
      );
      return;
    case 'DELETE':
      if (part === 'status') {
        throw methodNotAllowed();
      }
      sendJson(
        cluster,
        res,
        200,
        cluster.remove(type, namespace, name, writeOptions(req)),
      );
      return;
    default:
      throw methodNotAllowed();
  }
}

function serveDiscovery(
  cluster: Cluster,
  req: Request,
  res: Response,
  route: Route,
): void {
  if (req.method !== 'GET') {
    throw methodNotAllowed();
  }
  const isServed = cluster.isServed.bind(cluster);
  let body: JsonObject | undefined;
  switch (route.kind) {
    case 'version':
      body = KUBERNETES_VERSION;
      break;
    case 'health':
      send(cluster, res, 200, 'text/plain', 'ok');
      return;
    case 'apiVersions':
      body = apiVersions(`${req.socket.localAddress}:${req.socket.localPort}`);
      break;
    case 'groupList':
      body = apiGroupList(cluster.registry, isServed);
      break;
    case 'group':
      body = apiGroup(cluster.registry, isServed, route.group);
      break;
    case 'resourceList':
      body = apiResourceList(
        cluster.registry,
        isServed,
        route.group,
        route.version,
      );
      break;
    default:
      throw pathNotFound();
  }
  if (!body) {
    throw pathNotFound();
  }
  sendJson(cluster, res, 200, body);
}

/** The request's route, or undefined for a path the cluster does not serve. */
function routeOf(cluster: Cluster, path: string): Route | undefined {
  try {
    return resolveRoute(path, cluster.registry, type => cluster.isServed(type));
  } catch (error) {
    if (error instanceof ApiError) {
      return undefined;
    }
    throw error;
  }
}

/**
 * The API request pipeline: count, inject faults (closed connection, latency, status),
 * authenticate the bearer token, then serve discovery or a resource.
 */
async function serveApi(
  cluster: Cluster,
  token: string | undefined,
  req: Request,
  res: Response,
): Promise<void> {
  cluster.requestCount += 1;
  const { faults } = cluster;
  if (faults.closeConnections) {
    req.socket.destroy();
    return;
  }
  if (faults.latencyMs) {
    await sleep(faults.latencyMs);
  }
  const route = routeOf(cluster, req.path);
  const authorization = req.get('authorization');
  const isPublic = route !== undefined && PUBLIC_ROUTES.has(route.kind);
  if (token !== undefined && !(isPublic && authorization === undefined)) {
    // the scheme is case-insensitive, as in the API server's bearer token authenticator
    const presented = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (presented !== token) {
      throw unauthorized();
    }
  }
  if (
    faults.status &&
    (!faults.statusResources ||
      (route?.kind === 'resource' &&
        faults.statusResources.includes(faultResourceName(route.type))))
  ) {
    throw faultError(faults.status, req, route);
  }
  if (!route) {
    throw pathNotFound();
  }
  if (route.kind === 'resource') {
    serveResource(cluster, req, res, route);
  } else {
    serveDiscovery(cluster, req, res, route);
  }
}

function adminRouter(cluster: Cluster): express.Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/faults', (_req, res) => {
    res.json(cluster.faults);
  });
  router.put('/faults', (req, res) => {
    try {
      cluster.setFaults(req.body);
      res.json(cluster.faults);
    } catch (error) {
      res.status(400).json({ error: (error as Error).message });
    }
  });
  router.delete('/faults', (_req, res) => {
    cluster.clearFaults();
    res.json(cluster.faults);
  });
  router.get('/stats', (_req, res) => {
    res.json({
      requests: cluster.requestCount,
      bytesSent: cluster.bytesSent,
      expiredContinues: cluster.expiredContinues,
    });
  });
  return router;
}

/**
 * The HTTP application of one simulated cluster: the Kubernetes API, answering errors with
 * `kind: Status` objects, and the admin endpoints under `/__simulator` (no token needed).
 *
 * @param token - the bearer token API requests must carry; no authentication when undefined
 */
export function createClusterApp(
  cluster: Cluster,
  token: string | undefined,
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(ADMIN_PREFIX, adminRouter(cluster));
  app.use(express.raw({ type: () => true, limit: BODY_LIMIT }));
  app.use((req, res, next) => {
    serveApi(cluster, token, req, res).catch(next);
  });
  app.use(
    (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(error);
        return;
      }
      if (error instanceof ApiError) {
        sendError(cluster, res, error);
        return;
      }
      const status = (error as { status?: number }).status;
      if (status === 413) {
        sendError(
          cluster,
          res,
          new ApiError(
            413,
            'RequestEntityTooLarge',
            'the request body is too large',
          ),
        );
        return;
      }
      if (status === 400) {
        sendError(cluster, res, badRequest((error as Error).message));
        return;
      }
      sendError(
        cluster,
        res,
        internalError((error as Error).message ?? String(error)),
      );
    },
  );
  return app;
}
