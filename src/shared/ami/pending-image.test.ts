import type { Image } from '@aws-sdk/client-ec2';
import type { Clock } from '../aws/poll';
import { AwsCallError, WaitTimeoutError } from '../runtime/errors';
import { MemoryLogger } from '../runtime/logger';
import type { Ec2 } from './ec2/operations';
import { waitForPendingImage } from './pending-image';

const PENDING: Image = { ImageId: 'ami-1', Name: 'ecs-node-20260101-000000-0123456789ab', State: 'pending' };

function fakeClock(): Clock {
  let now = 0;
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

/** An EC2 whose DescribeImages answers each poll from `answers` in turn (the last repeats). */
function ec2Answering(answers: (Image | undefined | Error)[]): Ec2 & { polls: number } {
  const fake = {
    polls: 0,
    async describeImages() {
      const answer = answers[Math.min(fake.polls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return { Images: answer ? [answer] : [] };
    },
  };
  return fake as unknown as Ec2 & { polls: number };
}

const notFound = Object.assign(new Error("The image id '[ami-1]' does not exist"), {
  name: 'InvalidAMIID.NotFound',
});

describe('waitForPendingImage', () => {
  it.each<[string, (Image | undefined | Error)[], object]>([
    [
      'becomes available',
      [PENDING, PENDING, { ...PENDING, State: 'available' }],
      { available: true, image: { ...PENDING, State: 'available' } },
    ],
    [
      'fails, saying why',
      [PENDING, { ...PENDING, State: 'failed', StateReason: { Message: 'snapshot failed' } }],
      { available: false, reason: 'ami-1 ended failed: snapshot failed' },
    ],
    [
      'is deregistered',
      [{ ...PENDING, State: 'deregistered' }],
      { available: false, reason: 'ami-1 no longer exists' },
    ],
    ['is no longer listed', [PENDING, undefined], { available: false, reason: 'ami-1 no longer exists' }],
    ['no longer exists', [notFound], { available: false, reason: 'ami-1 no longer exists' }],
  ])('reports an image that %s', async (_case, answers, expected) => {
    const outcome = await waitForPendingImage(ec2Answering(answers), PENDING, {
      timeout: 60_000,
      interval: 5_000,
      clock: fakeClock(),
      logger: new MemoryLogger(),
    });
    expect(outcome).toEqual(expected);
  });

  it('times out naming the image, logging that it is still pending once', async () => {
    const logger = new MemoryLogger();
    const ec2 = ec2Answering([PENDING]);
    const waiting = waitForPendingImage(ec2, PENDING, {
      timeout: 60_000,
      interval: 15_000,
      clock: fakeClock(),
      logger,
    });
    await expect(waiting).rejects.toThrow(WaitTimeoutError);
    await expect(waiting).rejects.toThrow(
      'waiting for image ami-1 (ecs-node-20260101-000000-0123456789ab) to become available',
    );
    expect(ec2.polls).toBeGreaterThan(3);
    expect(logger.lines).toEqual(['ami-1 (ecs-node-20260101-000000-0123456789ab) is still pending']);
  });

  it('fails on other errors, saying what it was doing', async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'UnauthorizedOperation' });
    const waiting = waitForPendingImage(ec2Answering([denied]), PENDING, {
      timeout: 60_000,
      interval: 5_000,
      clock: fakeClock(),
      logger: new MemoryLogger(),
    });
    await expect(waiting).rejects.toThrow(AwsCallError);
    await expect(waiting).rejects.toThrow(
      'Could not describe image ami-1: UnauthorizedOperation: not allowed',
    );
  });
});
