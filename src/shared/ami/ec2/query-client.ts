/**
 * A minimal client for the EC2 Query API (form-encoded POST, XML answers, SigV4).
 *
 * Why not @aws-sdk/client-ec2: its generated serialization schema for all ~750 EC2 operations is
 * one module that every command imports, and the bundler cannot drop the unused parts: the
 * client alone adds ~1.2 MB to the bundle, against a 1.3 MB budget for the whole action.
 * bake-ami needs twelve operations, so it speaks the protocol directly. Credentials come from
 * the SDK's standard provider chain (borrowed from an SDK client the action already has), and
 * region, endpoint, attempts and user agent from the shared ClientFactory's config.
 */
import { createHash, createHmac } from 'node:crypto';
import type { FactoryClientConfig } from '../../aws/client-factory';
import type { Logger } from '../../runtime/logger';
import { child, parseXml, text, type XmlElement } from './xml';

export const EC2_API_VERSION = '2016-11-15';

/** Credentials as the SDK's providers return them. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** An error EC2 answered with; shaped like the SDK's so `describeAwsError` reads it. */
export class Ec2ServiceError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };

  constructor(code: string, message: string, status: number, requestId?: string) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

export interface Ec2QueryClientOptions {
  config: FactoryClientConfig;
  credentials: () => Promise<AwsCredentialIdentity>;
  logger?: Logger;
  /** Called once per attempt with the operation name (`DescribeImages`), for request counts. */
  onRequest?: (operation: string) => void;
  /** Injectable for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

const RETRYABLE_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
]);

/** RFC 3986 encoding, as SigV4 and the Query protocol need it. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The form body for an action and its flattened parameters: RFC 3986 with spaces as `+`, exactly
 * as botocore encodes Query bodies. AWS hashes the bytes it receives, so either form of a space
 * signs correctly there; moto rebuilds the body from the parsed form before checking a signature,
 * and only this form survives the round trip. Pure.
 */
export function queryBody(action: string, params: Record<string, string>): string {
  const encode = (text: string) => encodeRfc3986(text).replace(/%20/g, '+');
  return [['Action', action], ['Version', EC2_API_VERSION], ...Object.entries(params)]
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .join('&');
}

/** The EC2 endpoint of a region (China regions use amazonaws.com.cn). Pure. */
export function defaultEndpoint(region: string): string {
  return `https://ec2.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

const hash = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4 headers for a POST of `body` to `url`. Pure given the time. */
export function signRequest(
  url: URL,
  body: string,
  headers: Record<string, string>,
  credentials: AwsCredentialIdentity,
  region: string,
  time: Date,
): Record<string, string> {
  const amzDate = time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const all: Record<string, string> = {
    ...headers,
    host: url.host,
    'x-amz-date': amzDate,
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  };
  const names = Object.keys(all)
    .map((name) => name.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(all).map(([name, value]) => [name.toLowerCase(), value]));
  const canonical = [
    'POST',
    url.pathname || '/',
    '',
    ...names.map((name) => `${name}:${lower[name].trim().replace(/\s+/g, ' ')}`),
    '',
    names.join(';'),
    hash(body),
  ].join('\n');
  const scope = `${date}/${region}/ec2/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hash(canonical)].join('\n');
  const key = ['ec2', 'aws4_request'].reduce(
    (previous, part) => hmac(previous, part),
    hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region),
  );
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return {
    ...all,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

/** Sends EC2 Query requests with retries (throttling, 5xx, network errors) and typed errors. */
export class Ec2QueryClient {
  private readonly url: URL;

  constructor(private readonly options: Ec2QueryClientOptions) {
    this.url = new URL(options.config.endpoint ?? defaultEndpoint(options.config.region));
  }

  /** Calls `action`; resolves with the response's root element. */
  async call(action: string, params: Record<string, string>): Promise<XmlElement> {
    const body = queryBody(action, params);
    const attempts = Math.max(1, this.options.config.maxAttempts);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(action, body);
      } catch (error) {
        const code = (error as Error).name;
        const status = (error as Partial<Ec2ServiceError>).$metadata?.httpStatusCode;
        const retryable =
          !(error instanceof Ec2ServiceError) ||
          RETRYABLE_CODES.has(code) ||
          (status !== undefined && status >= 500);
        if (!retryable || attempt >= attempts) throw error;
        const delay = Math.min(20_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
        this.options.logger?.debug(
          `EC2.${action} attempt ${attempt} failed (${code}); retrying in ${Math.round(delay)} ms`,
        );
        await (this.options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(delay);
      }
    }
  }

  private async attempt(action: string, body: string): Promise<XmlElement> {
    this.options.onRequest?.(action);
    const { config } = this.options;
    const headers = signRequest(
      this.url,
      body,
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      await this.options.credentials(),
      config.region,
      (this.options.now ?? (() => new Date()))(),
    );
    delete headers.host; // fetch sets it from the URL
    // Not signed, as the SDK's signer leaves it out: proxies and clients may rewrite it.
    headers['user-agent'] = config.customUserAgent.map(([name, version]) => `${name}/${version}`).join(' ');
    const response = await (this.options.fetch ?? fetch)(this.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(config.requestHandler.requestTimeout),
    });
    const xml = await response.text();
    const root = xml.trim() === '' ? undefined : parseXml(xml);
    const requestId = text(root, 'requestId') ?? text(root, 'RequestID');
    if (!response.ok || root?.name === 'Response') {
      const error = child(child(root, 'Errors'), 'Error');
      throw new Ec2ServiceError(
        text(error, 'Code') ?? `HTTP${response.status}`,
        text(error, 'Message') ?? `EC2 answered HTTP ${response.status}`,
        response.status,
        requestId,
      );
    }
    this.options.logger?.debug(`EC2.${action} request id ${requestId ?? 'n/a'}`);
    return root!;
  }
}
