import {
  artifactsFromRecords,
  buildErrors,
  parseArtifactId,
  parseRecord,
  uiMessage,
  unescapeField,
} from './machine-readable';

// Lines as Packer 1.6.6 printed them in a build against the emulator.
const RUN = [
  '1795664111,,ui,say,==> amazon-ebs.node: Prevalidating AMI Name: test-1',
  '1795664111,,ui,message,    amazon-ebs.node: Found Image ID: ami-0aae19d30bab785d3',
  '1795664111,,ui,say,==> amazon-ebs.node: No volumes to clean up%!(PACKER_COMMA) skipping',
  '1795664111,amazon-ebs.node,artifact-count,2',
  '1795664111,amazon-ebs.node,artifact,0,builder-id,mitchellh.amazonebs',
  '1795664111,amazon-ebs.node,artifact,0,id,us-east-1:ami-a20724bd81a8fa4a0',
  '1795664111,amazon-ebs.node,artifact,0,string,AMIs were created:\\nus-east-1: ami-a20724bd81a8fa4a0\\n',
  '1795664111,amazon-ebs.node,artifact,0,end',
  '1795664111,amazon-ebs.node,artifact,1,builder-id,mitchellh.amazonebs',
  '1795664111,amazon-ebs.node,artifact,1,id,us-east-1:ami-a20724bd81a8fa4a0',
  '1795664111,amazon-ebs.node,artifact,1,end',
];

describe('parseRecord', () => {
  it.each([
    [
      RUN[0],
      {
        timestamp: 1795664111,
        target: '',
        type: 'ui',
        data: ['say', '==> amazon-ebs.node: Prevalidating AMI Name: test-1'],
      },
    ],
    [
      RUN[2],
      {
        timestamp: 1795664111,
        target: '',
        type: 'ui',
        data: ['say', '==> amazon-ebs.node: No volumes to clean up, skipping'],
      },
    ],
    [
      RUN[5],
      {
        timestamp: 1795664111,
        target: 'amazon-ebs.node',
        type: 'artifact',
        data: ['0', 'id', 'us-east-1:ami-a20724bd81a8fa4a0'],
      },
    ],
    ['1795664190,,error-count,1', { timestamp: 1795664190, target: '', type: 'error-count', data: ['1'] }],
  ])('parses %s', (line, expected) => {
    expect(parseRecord(line)).toEqual(expected);
  });

  it.each(['', 'plain text from a plugin', 'Error: something', '12,x', 'abc,,ui,say,hi', '1,,UI!,say,x'])(
    'ignores %j',
    (line) => {
      expect(parseRecord(line)).toBeUndefined();
    },
  );
});

describe('unescapeField and uiMessage', () => {
  it.each([
    ['a%!(PACKER_COMMA) b', 'a, b'],
    ['line\\nnext', 'line\nnext'],
    ['plain', 'plain'],
  ])('%j → %j', (field, expected) => {
    expect(unescapeField(field)).toBe(expected);
  });

  it.each([
    ['1,,ui,error,Build errored: boom', { level: 'error', text: 'Build errored: boom' }],
    [
      '1,,ui,message,    amazon-ebs.node: x%!(PACKER_COMMA)y',
      { level: 'message', text: '    amazon-ebs.node: x,y' },
    ],
    ['1,,ui,unknown,x', undefined],
    ['1,amazon-ebs.node,artifact,0,end', undefined],
  ])('%s', (line, expected) => {
    expect(uiMessage(parseRecord(line)!)).toEqual(expected);
  });
});

describe('artifacts', () => {
  it('takes each AMI once, even when a post-processor repeats it', () => {
    expect(artifactsFromRecords(RUN.map((line) => parseRecord(line)!))).toEqual([
      { build: 'amazon-ebs.node', region: 'us-east-1', imageId: 'ami-a20724bd81a8fa4a0' },
    ]);
  });

  it.each([
    ['us-east-1:ami-0123abcd', [['us-east-1', 'ami-0123abcd']]],
    [
      'us-east-1:ami-1,eu-west-1:ami-2',
      [
        ['us-east-1', 'ami-1'],
        ['eu-west-1', 'ami-2'],
      ],
    ],
    ['us-gov-west-1:ami-0abc', [['us-gov-west-1', 'ami-0abc']]],
    ['docker:sha256:abc', []],
    ['ami-0123abcd', []],
  ])('parseArtifactId(%j)', (id, expected) => {
    expect(parseArtifactId('b', id).map((artifact) => [artifact.region, artifact.imageId])).toEqual(expected);
  });

  it('reads the errors of a failed run', () => {
    const lines = [
      "1795664190,amazon-ebs.node,error,Error querying AMI: InvalidAMIID.NotFound: The image id '[ami-nonexist]' does not exist\\n\tstatus code: 400%!(PACKER_COMMA) request id: x",
      '1795664190,,error-count,1',
    ];
    expect(buildErrors(lines.map((line) => parseRecord(line)!))).toEqual([
      "amazon-ebs.node: Error querying AMI: InvalidAMIID.NotFound: The image id '[ami-nonexist]' does not exist\n\tstatus code: 400, request id: x",
    ]);
  });
});
