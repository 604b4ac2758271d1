/**
 * A fault-injecting HTTP proxy between the actions and the emulator. For a chosen share of
 * requests (seeded, so a run can be repeated) it answers the way AWS does when it is unhappy:
 * a throttle in the shape of the request's protocol (JSON `ThrottlingException`, EC2
 * `RequestLimitExceeded`, query `Throttling`, S3 `SlowDown`), a 500 or 503 (InternalError /
 * ServiceUnavailable in the same shapes), a dropped connection, or extra latency before
 * forwarding. It also keeps a log of every request (operation, service, fault), so tests can
 * tell which calls an action made.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultKind = 'throttle' | 'server-error' | 'unavailable' | 'drop' | 'latency';

export interface FaultProxyOptions {
  /** The emulator's address, e.g. http://127.0.0.1:5000. */
  target: string;
  /** Share of requests faulted, 0..1. */
  rate: number;
  seed?: number;
  /** Faults to choose from, uniformly; default all. */
  faults?: FaultKind[];
  /** Added delay (ms) for `latency` faults. */
  latencyMs?: number;
  /** Fault only requests for which this returns true (default: all but the emulator's own API). */
  applies?: (request: RequestInfo) => boolean;
}

export interface RequestInfo {
  method: string;
  path: string;
  /** SigV4 service name from the Authorization header's credential scope (ecs, s3, monitoring…). */
  service?: string;
  protocol: 'json' | 'ec2' | 'query' | 'rest-xml' | 'other';
}

/** One request the proxy saw, in arrival order. */
export interface RequestRecord extends RequestInfo {
  /** The API operation: `DescribeServices` (JSON target or query Action), or `GET`/`PUT`/… for S3. */
  operation: string;
  /** The fault answered instead of forwarding, if any. */
  fault?: FaultKind;
  /** When the request arrived and when its answer was finished (ms since the epoch). */
  at: number;
  doneAt?: number;
}

export interface FaultProxy {
  endpoint: string;
  stats: { requests: number; faulted: Record<FaultKind, number>; byService: Record<string, number> };
  /** Every request seen (emulator control calls included), oldest first. */
  log: RequestRecord[];
  /** Changes the fault rate for later requests (e.g. 1 to fault everything). */
  setRate(rate: number): void;
  stop(): Promise<void>;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same fault sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reads service and protocol from a request's headers. */
export function classify(method: string, path: string, headers: IncomingMessage['headers']): RequestInfo {
  const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    String(headers.authorization ?? ''),
  )?.[1];
  const contentType = String(headers['content-type'] ?? '');
  let protocol: RequestInfo['protocol'] = 'other';
  if (headers['x-amz-target'] || contentType.startsWith('application/x-amz-json')) protocol = 'json';
  else if (service === 'ec2') protocol = 'ec2';
  else if (contentType.startsWith('application/x-www-form-urlencoded')) protocol = 'query';
  else if (service === 's3') protocol = 'rest-xml';
  return { method, path, service, protocol };
}

/** An error answer in the shape of the request's protocol: status, content type and body. */
export function errorResponse(
  info: RequestInfo,
  error: { status: number; code: string; message: string },
  jsonContentType = 'application/x-amz-json-1.1',
) {
  const requestId = 'fault-proxy-error';
  const { status, code, message } = error;
  switch (info.protocol) {
    case 'json':
      return { status, type: jsonContentType, body: JSON.stringify({ __type: code, message }) };
    case 'ec2':
      return {
        status,
        type: 'text/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case 'rest-xml':
      return {
        status,
        type: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
      };
    default:
      return {
        status,
        type: 'text/xml',
        body: `<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}

/** The throttling answer AWS gives for this protocol: status, content type and body. */
export function throttleResponse(info: RequestInfo, jsonContentType = 'application/x-amz-json-1.1') {
  switch (info.protocol) {
    case 'json':
      return errorResponse(
        info,
        { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
        jsonContentType,
      );
    case 'ec2':
      return errorResponse(info, {
        status: 503,
        code: 'RequestLimitExceeded',
        message: 'Request limit exceeded.',
      });
    case 'rest-xml':
      return errorResponse(info, {
        status: 503,
        code: 'SlowDown',
        message: 'Please reduce your request rate.',
      });
    default:
      return errorResponse(info, { status: 400, code: 'Throttling', message: 'Rate exceeded' });
  }
}

/** The 500 (`server-error`) or 503 (`unavailable`) answer of the request's service. */
export function serverErrorResponse(
  info: RequestInfo,
  kind: 'server-error' | 'unavailable',
  jsonContentType = 'application/x-amz-json-1.1',
) {
  const s3 = info.protocol === 'rest-xml';
  const ec2 = info.protocol === 'ec2';
  return kind === 'server-error'
    ? errorResponse(
        info,
        {
          status: 500,
          code: s3 || ec2 ? 'InternalError' : 'InternalFailure',
          message: 'We encountered an internal error. Please try again.',
        },
        jsonContentType,
      )
    : errorResponse(
        info,
        {
          status: 503,
          code: ec2 ? 'Unavailable' : 'ServiceUnavailable',
          message: 'Service is unable to handle request.',
        },
        jsonContentType,
      );
}

/** The operation a request calls: JSON `X-Amz-Target`, query `Action=`, else the HTTP method. */
export function operationOf(info: RequestInfo, headers: IncomingMessage['headers'], body: Buffer): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  if (info.protocol === 'query' || info.protocol === 'ec2') {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    if (action) return action;
  }
  return info.method;
}

/**
 * True for calls that only read: S3 GET/HEAD, and Describe/List/Get calls of the other APIs
 * (STS GetCallerIdentity included). Everything else may change AWS state.
 */
export function isReadOperation(record: Pick<RequestRecord, 'protocol' | 'service' | 'operation'>): boolean {
  if (record.protocol === 'rest-xml' || record.service === 's3')
    return ['GET', 'HEAD'].includes(record.operation);
  return /^(Describe|List|Get|BatchGet)/.test(record.operation);
}

const ALL_FAULTS: FaultKind[] = ['throttle', 'server-error', 'unavailable', 'drop', 'latency'];

/** Starts the proxy on a free 127.0.0.1 port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed ?? 1);
  const faults = options.faults ?? ALL_FAULTS;
  const target = new URL(options.target);
  const applies =
    options.applies ??
    ((info: RequestInfo) => !info.path.startsWith('/moto-api') && !info.path.startsWith('/emulator-api'));
  let rate = options.rate;
  const stats: FaultProxy['stats'] = {
    requests: 0,
    faulted: { throttle: 0, 'server-error': 0, unavailable: 0, drop: 0, latency: 0 },
    byService: {},
  };
  const log: RequestRecord[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const info = classify(req.method ?? 'GET', req.url ?? '/', req.headers);
      stats.requests++;
      stats.byService[info.service ?? 'other'] = (stats.byService[info.service ?? 'other'] ?? 0) + 1;
      const record: RequestRecord = {
        ...info,
        operation: operationOf(info, req.headers, body),
        at: Date.now(),
      };
      log.push(record);
      res.on('close', () => (record.doneAt = Date.now()));
      const faulted = applies(info) && random() < rate;
      if (!faulted) return forward(req, res, body);
      const kind = faults[Math.floor(random() * faults.length)];
      stats.faulted[kind]++;
      record.fault = kind;
      switch (kind) {
        case 'throttle': {
          const answer = throttleResponse(
            info,
            String(req.headers['content-type'] ?? 'application/x-amz-json-1.1'),
          );
          res.writeHead(answer.status, {
            'content-type': answer.type,
            'x-amzn-requestid': 'fault-proxy-throttle',
          });
          return res.end(answer.body);
        }
        case 'server-error':
        case 'unavailable': {
          const answer = serverErrorResponse(
            info,
            kind,
            String(req.headers['content-type'] ?? 'application/x-amz-json-1.1'),
          );
          res.writeHead(answer.status, {
            'content-type': answer.type,
            'x-amzn-requestid': 'fault-proxy-error',
          });
          return res.end(answer.body);
        }
        case 'drop':
          return req.socket.destroy();
        case 'latency':
          return void setTimeout(() => forward(req, res, body), options.latencyMs ?? 200);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    log,
    setRate: (next) => void (rate = next),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
