import { version } from '../../../package.json';
import { resolveEndpoint } from './endpoint';
import type { Logger } from '../runtime/logger';

/** Environment ids of the services the actions use, as in `AWS_ENDPOINT_URL_<ID>`. */
export type ServiceEnvId =
  | 'ECS'
  | 'S3'
  | 'STS'
  | 'CLOUDWATCH'
  | 'EVENTBRIDGE'
  | 'ELASTIC_LOAD_BALANCING_V2'
  | 'EC2'
  | 'SSM'
  | 'AUTO_SCALING'
  | 'ECR'
  | 'CLOUDWATCH_LOGS';

export interface ClientFactoryOptions {
  /** The action's name, for the user agent. */
  action: string;
  region: string;
  /** Attempts per request, including the first (adaptive retry mode). */
  maxAttempts?: number;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

/** The part of the SDK client config the factory sets. */
export interface FactoryClientConfig {
  region: string;
  maxAttempts: number;
  retryMode: 'adaptive';
  customUserAgent: [string, string][];
  endpoint?: string;
  forcePathStyle?: boolean;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<{
          output?: { $metadata?: { requestId?: string } };
          response?: { headers?: Record<string, string | undefined> };
        }>,
        context: { commandName?: string; clientName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'deserialize'; name: string },
    ): void;
  };
}

/**
 * The one place AWS clients are made. Domain code receives clients; it never constructs them.
 * Credentials come from the standard chain (the runner's OIDC role, env, profile, IMDS).
 */
export class ClientFactory {
  /** Requests sent per operation (`ECS.DescribeServices` → 12), for reports and benchmarks. */
  readonly requests = new Map<string, number>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: ClientFactoryOptions) {
    this.env = options.env ?? process.env;
  }

  /** The config the factory gives a client of `service`. */
  config(service: ServiceEnvId): FactoryClientConfig {
    const endpoint = resolveEndpoint(service, this.env);
    return {
      region: this.options.region,
      maxAttempts: this.options.maxAttempts ?? 8,
      retryMode: 'adaptive',
      customUserAgent: [
        ['ecs-release-actions', version],
        ['action', this.options.action],
      ],
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
      ...(endpoint ? { endpoint } : {}),
      // Emulators and S3-compatible endpoints rarely resolve bucket subdomains.
      ...(endpoint && service === 'S3' ? { forcePathStyle: true } : {}),
    };
  }

  /** Makes a client of `Client` configured for `service`, logging request ids at debug level. */
  create<C>(Client: new (config: FactoryClientConfig) => C, service: ServiceEnvId): C {
    const client = new Client(this.config(service));
    this.instrument(client as unknown as MiddlewareClient, service);
    return client;
  }

  /** Total requests sent by every client of this factory. */
  get requestCount(): number {
    return [...this.requests.values()].reduce((sum, count) => sum + count, 0);
  }

  private instrument(client: MiddlewareClient, service: ServiceEnvId): void {
    const logger = this.options.logger;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = `${service}.${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
        this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
        const result = await next(args);
        const headers = result.response?.headers ?? {};
        // $metadata is filled in after this step for some protocols; the headers always carry it.
        const requestId =
          result.output?.$metadata?.requestId ?? headers['x-amzn-requestid'] ?? headers['x-amz-request-id'];
        logger?.debug(`${operation} request id ${requestId ?? 'n/a'}`);
        return result;
      },
      // The deserialize step runs once per attempt, so retries are counted too.
      { step: 'deserialize', name: 'ecsReleaseActionsRequestLog' },
    );
  }
}
