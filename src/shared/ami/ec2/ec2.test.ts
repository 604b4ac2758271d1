import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { describeAwsError } from '../../runtime/errors';
import { ec2Api, readImage, serialize } from './operations';
import { Ec2QueryClient, defaultEndpoint, queryBody, signRequest } from './query-client';
import { child, decodeEntities, items, parseXml, text } from './xml';

describe('parseXml', () => {
  it('reads elements, text, entities and self-closing tags', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><a>x &amp; y &lt;z&gt; &#233;&#x41;</a><b/><set><item><k>1</k></item><item><k>2</k></item></set></R>',
    );
    expect(root.name).toBe('R');
    expect(text(root, 'a')).toBe('x & y <z> éA');
    expect(child(root, 'b')).toEqual({ name: 'b', children: [], text: '' });
    expect(items(root, 'set').map((item) => text(item, 'k'))).toEqual(['1', '2']);
    expect(items(root, 'missing')).toEqual([]);
  });

  it.each([
    ['<a><b></a>', '</a> closes <b>'],
    ['<a>', '<a> is not closed'],
    ['', 'empty XML document'],
  ])('rejects %j', (xml, problem) => {
    expect(() => parseXml(xml)).toThrow(problem);
  });

  it.each([
    ['&quot;&apos;', `"'`],
    ['&unknown;', '&unknown;'],
  ])('decodes %j', (input, expected) => {
    expect(decodeEntities(input)).toBe(expected);
  });
});

describe('EC2 query serialization', () => {
  it.each<[string, Record<string, string>]>([
    [
      'DescribeImages',
      serialize.DescribeImages({
        Owners: ['self'],
        Filters: [
          { Name: 'tag:bake-ami:name-prefix', Values: ['ecs-node'] },
          { Name: 'name', Values: ['a-*', 'b-*'] },
        ],
        MaxResults: 1000,
      }),
    ],
    [
      'CreateTags',
      serialize.CreateTags({ Resources: ['ami-1', 'snap-1'], Tags: [{ Key: 'k', Value: 'v' }] }),
    ],
    [
      'ModifyImageAttribute',
      serialize.ModifyImageAttribute({
        ImageId: 'ami-1',
        LaunchPermission: { Add: [{ UserId: '111122223333' }] },
      }),
    ],
    [
      'ModifySnapshotAttribute',
      serialize.ModifySnapshotAttribute({
        SnapshotId: 'snap-1',
        Attribute: 'createVolumePermission',
        OperationType: 'add',
        UserIds: ['111122223333'],
      }),
    ],
    [
      'DescribeLaunchTemplateVersions',
      serialize.DescribeLaunchTemplateVersions({
        LaunchTemplateId: 'lt-1',
        Versions: ['$Default', '$Latest'],
      }),
    ],
    [
      'CreateLaunchTemplateVersion',
      serialize.CreateLaunchTemplateVersion({
        LaunchTemplateId: 'lt-1',
        SourceVersion: '3',
        LaunchTemplateData: { ImageId: 'ami-2' },
      }),
    ],
    [
      'ModifyLaunchTemplate',
      serialize.ModifyLaunchTemplate({ LaunchTemplateId: 'lt-1', DefaultVersion: '4' }),
    ],
    [
      'DescribeInstances',
      serialize.DescribeInstances({ Filters: [{ Name: 'image-id', Values: ['ami-1'] }], NextToken: 't' }),
    ],
  ])('%s uses EC2 query names', (_operation, params) => {
    expect(params).toMatchSnapshot();
  });

  it('encodes the form body like RFC 3986, spaces as + (as botocore does)', () => {
    expect(queryBody('CreateTags', { 'Tag.1.Value': "a b*(c)!'/é~+" })).toBe(
      'Action=CreateTags&Version=2016-11-15&Tag.1.Value=a+b%2A%28c%29%21%27%2F%C3%A9~%2B',
    );
  });

  it.each([
    ['us-east-1', 'https://ec2.us-east-1.amazonaws.com'],
    ['cn-north-1', 'https://ec2.cn-north-1.amazonaws.com.cn'],
  ])('endpoint of %s', (region, endpoint) => {
    expect(defaultEndpoint(region)).toBe(endpoint);
  });
});

describe('signRequest', () => {
  it('signs exactly like the SDK signer', async () => {
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'token/+=',
    };
    const time = new Date('2026-11-26T03:51:45.000Z');
    const url = new URL('https://ec2.eu-west-1.amazonaws.com/');
    const body = queryBody('DescribeImages', { 'Owner.1': 'self' });
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const ours = signRequest(url, body, headers, credentials, 'eu-west-1', time);
    class Sha256 {
      private readonly hash;
      constructor(secret?: Uint8Array | string | ArrayBuffer | ArrayBufferView) {
        this.hash = secret ? createHmac('sha256', Buffer.from(secret as Uint8Array)) : createHash('sha256');
      }
      update(data: Uint8Array | string | ArrayBuffer | ArrayBufferView) {
        this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
      }
      async digest() {
        return new Uint8Array(this.hash.digest());
      }
    }
    const signer = new SignatureV4({
      credentials,
      region: 'eu-west-1',
      service: 'ec2',
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: url.hostname,
        path: '/',
        headers: { ...headers, host: url.host },
        body,
      },
      { signingDate: time },
    );
    expect(ours.authorization).toBe(signed.headers.authorization);
    expect(ours['x-amz-security-token']).toBe('token/+=');
  });
});

const config = {
  region: 'us-east-1',
  maxAttempts: 3,
  retryMode: 'adaptive' as const,
  customUserAgent: [['ecs-release-actions', '0.1.0']] as [string, string][],
  endpoint: 'http://127.0.0.1:1',
  requestHandler: { connectionTimeout: 1000, requestTimeout: 1000 },
};
const credentials = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
const response = (status: number, xml: string) => new Response(xml, { status });

describe('Ec2QueryClient', () => {
  it('maps a DescribeImages answer to SDK shapes and counts requests', async () => {
    const seen: string[] = [];
    const fetch = jest.fn(async (_url: unknown, init?: RequestInit) => {
      seen.push(String(init?.body));
      return response(
        200,
        `<DescribeImagesResponse><requestId>r-1</requestId><imagesSet><item><imageId>ami-1</imageId><name>n</name><imageState>available</imageState><creationDate>2026-01-01T00:00:00.000Z</creationDate>
        <blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><snapshotId>snap-1</snapshotId></ebs></item><item><deviceName>/dev/sdb</deviceName><virtualName>ephemeral0</virtualName></item></blockDeviceMapping>
        <tagSet><item><key>k</key><value>v</value></item></tagSet></item></imagesSet><nextToken>t2</nextToken></DescribeImagesResponse>`,
      );
    });
    const counted: string[] = [];
    const ec2 = ec2Api(
      new Ec2QueryClient({ config, credentials, fetch, onRequest: (op) => counted.push(op) }),
    );
    const result = await ec2.describeImages({ Owners: ['self'] });
    expect(result).toEqual({
      Images: [
        {
          ImageId: 'ami-1',
          Name: 'n',
          Description: undefined,
          State: 'available',
          OwnerId: undefined,
          CreationDate: '2026-01-01T00:00:00.000Z',
          Tags: [{ Key: 'k', Value: 'v' }],
          BlockDeviceMappings: [
            { DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-1' } },
            { DeviceName: '/dev/sdb' },
          ],
        },
      ],
      NextToken: 't2',
    });
    expect(seen).toEqual(['Action=DescribeImages&Version=2016-11-15&Owner.1=self']);
    expect(counted).toEqual(['DescribeImages']);
  });

  it('turns an EC2 error into an error the runtime describes, without retrying client errors', async () => {
    const fetch = jest.fn(async () =>
      response(
        400,
        "<Response><Errors><Error><Code>InvalidAMIID.NotFound</Code><Message>The image id '[ami-x]' does not exist</Message></Error></Errors><RequestID>r-9</RequestID></Response>",
      ),
    );
    const ec2 = ec2Api(new Ec2QueryClient({ config, credentials, fetch }));
    const error = await ec2.deregisterImage({ ImageId: 'ami-x' }).catch((caught: unknown) => caught);
    expect(describeAwsError(error)).toEqual({
      code: 'InvalidAMIID.NotFound',
      message: "The image id '[ami-x]' does not exist",
      requestId: 'r-9',
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('retries throttling and server errors up to maxAttempts', async () => {
    const answers = [
      response(
        503,
        '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow down</Message></Error></Errors></Response>',
      ),
      response(500, ''),
      response(200, '<DeleteSnapshotResponse><return>true</return></DeleteSnapshotResponse>'),
    ];
    const fetch = jest.fn(async () => answers.shift()!);
    const sleep = jest.fn(async () => undefined);
    const ec2 = ec2Api(new Ec2QueryClient({ config, credentials, fetch, sleep }));
    await expect(ec2.deleteSnapshot({ SnapshotId: 'snap-1' })).resolves.toBeUndefined();
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('reads launch templates, versions and instances', async () => {
    const bodies: Record<string, string> = {
      DescribeLaunchTemplates:
        '<R><launchTemplates><item><launchTemplateId>lt-1</launchTemplateId><launchTemplateName>web</launchTemplateName><defaultVersionNumber>2</defaultVersionNumber><latestVersionNumber>3</latestVersionNumber></item></launchTemplates></R>',
      DescribeLaunchTemplateVersions:
        '<R><launchTemplateVersionSet><item><launchTemplateId>lt-1</launchTemplateId><versionNumber>2</versionNumber><defaultVersion>true</defaultVersion><launchTemplateData><imageId>ami-2</imageId></launchTemplateData></item></launchTemplateVersionSet></R>',
      DescribeInstances:
        '<R><reservationSet><item><instancesSet><item><instanceId>i-1</instanceId><imageId>ami-2</imageId><instanceState><code>16</code><name>running</name></instanceState></item></instancesSet></item></reservationSet></R>',
      CopyImage: '<R><imageId>ami-9</imageId></R>',
    };
    const fetch = jest.fn(async (_url: unknown, init?: RequestInit) =>
      response(200, bodies[/Action=(\w+)/.exec(String(init?.body))![1]]),
    );
    const ec2 = ec2Api(new Ec2QueryClient({ config, credentials, fetch }));
    expect(await ec2.describeLaunchTemplates({ LaunchTemplateNames: ['web'] })).toEqual({
      LaunchTemplates: [
        {
          LaunchTemplateId: 'lt-1',
          LaunchTemplateName: 'web',
          DefaultVersionNumber: 2,
          LatestVersionNumber: 3,
        },
      ],
    });
    expect(
      (await ec2.describeLaunchTemplateVersions({ LaunchTemplateId: 'lt-1', Versions: ['$Default'] }))
        .LaunchTemplateVersions[0],
    ).toMatchObject({
      VersionNumber: 2,
      DefaultVersion: true,
      LaunchTemplateData: { ImageId: 'ami-2' },
    });
    expect(await ec2.describeInstances({})).toEqual({
      Reservations: [{ Instances: [{ InstanceId: 'i-1', ImageId: 'ami-2', State: { Name: 'running' } }] }],
      NextToken: undefined,
    });
    expect(await ec2.copyImage({ SourceImageId: 'ami-1', SourceRegion: 'us-east-1', Name: 'n' })).toEqual({
      ImageId: 'ami-9',
    });
  });
});

describe('readImage', () => {
  it('reads an image without tags or devices', () => {
    expect(
      readImage(parseXml('<item><imageId>ami-1</imageId><imageState>pending</imageState></item>')),
    ).toMatchObject({
      ImageId: 'ami-1',
      State: 'pending',
      Tags: [],
      BlockDeviceMappings: [],
    });
  });

  it('reads why an image failed', () => {
    const image = readImage(
      parseXml(
        '<item><imageId>ami-1</imageId><imageState>failed</imageState><stateReason><code>Client.Error</code><message>Snapshot failed</message></stateReason></item>',
      ),
    );
    expect(image.StateReason).toEqual({ Code: 'Client.Error', Message: 'Snapshot failed' });
  });
});
