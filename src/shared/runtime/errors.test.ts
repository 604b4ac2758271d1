import { AwsCallError, InputError, describeAwsError, withContext } from './errors';

class ServiceNotFoundException extends Error {
  $metadata = { requestId: 'req-1' };
  constructor(message: string) {
    super(message);
    this.name = 'ServiceNotFoundException';
  }
}

describe('errors', () => {
  it('adds what we were doing to an AWS error, keeping code and request id', async () => {
    const error = await withContext('update service web in cluster dev', () =>
      Promise.reject(new ServiceNotFoundException('Service not found.')),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).message).toBe(
      'Could not update service web in cluster dev: ServiceNotFoundException: Service not found.',
    );
    expect((error as AwsCallError).requestId).toBe('req-1');
    expect((error as AwsCallError).code).toBe('ServiceNotFoundException');
  });

  it('passes our own errors through unchanged', async () => {
    const input = new InputError('cluster', 'is required');
    await expect(withContext('x', () => Promise.reject(input))).rejects.toBe(input);
  });

  it('describes non-errors', () => {
    expect(describeAwsError('boom')).toEqual({ message: 'boom' });
  });
});
