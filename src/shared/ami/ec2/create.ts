import type { ClientFactory } from '../../aws/client-factory';
import type { Logger } from '../../runtime/logger';
import { ec2Api, type Ec2 } from './operations';
import { Ec2QueryClient, type AwsCredentialIdentity } from './query-client';

/**
 * The EC2 API for domain code, configured by the shared factory (region, endpoint, attempts,
 * user agent) and counted in its `requests`. `credentials` is an SDK client's provider
 * (`client.config.credentials`), so the standard chain applies.
 */
export function createEc2(
  factory: ClientFactory,
  credentials: () => Promise<AwsCredentialIdentity>,
  logger?: Logger,
): Ec2 {
  return ec2Api(
    new Ec2QueryClient({
      config: factory.config('EC2'),
      credentials,
      logger,
      onRequest: (operation) =>
        factory.requests.set(`EC2.${operation}`, (factory.requests.get(`EC2.${operation}`) ?? 0) + 1),
    }),
  );
}
