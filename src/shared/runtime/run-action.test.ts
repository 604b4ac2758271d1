import { DeploymentFailedError, InputError } from './errors';
import { MemoryLogger } from './logger';
import { runAction } from './run-action';

function harness() {
  const written: string[] = [];
  const outputs: Record<string, string> = {};
  const failures: { message: string; title: string }[] = [];
  const logger = new MemoryLogger();
  return {
    written,
    outputs,
    failures,
    logger,
    options: {
      logger,
      write: async (markdown: string) => void written.push(markdown),
      setOutput: (name: string, value: string) => void (outputs[name] = value),
      fail: (message: string, title: string) => void failures.push({ message, title }),
    },
  };
}

describe('runAction', () => {
  it('writes the summary and sets outputs on success, failing nothing', async () => {
    const h = harness();
    await runAction(
      'Deploy',
      async ({ summary, setOutput }) => {
        summary.paragraph('all good');
        setOutput('result', 'deployed');
        setOutput('ids', { web: 'x' });
      },
      h.options,
    );
    expect(h.failures).toEqual([]);
    expect(h.outputs).toEqual({ result: 'deployed', ids: '{"web":"x"}' });
    expect(h.written).toEqual(['## Deploy\n\nall good\n']);
  });

  it('turns a typed error into an annotation with its title and still writes the summary', async () => {
    const h = harness();
    await runAction(
      'Deploy',
      async ({ summary, setOutput }) => {
        setOutput('result', 'rolled-back');
        summary.paragraph('partial');
        throw new DeploymentFailedError('web: deployment failed', '| reason |\n| --- |\n| exit 1 |');
      },
      h.options,
    );
    expect(h.failures).toEqual([{ message: 'web: deployment failed', title: 'Deployment failed' }]);
    expect(h.outputs.result).toBe('rolled-back');
    expect(h.written[0]).toContain('partial');
    expect(h.written[0]).toContain('### ❌ Deploy failed\n\nweb: deployment failed');
    expect(h.written[0]).toContain('| exit 1 |');
  });

  it('names the input in an input error', async () => {
    const h = harness();
    await runAction('Sync', async () => Promise.reject(new InputError('bucket', 'is required')), h.options);
    expect(h.failures).toEqual([{ message: "Input 'bucket' is required", title: 'Invalid input: bucket' }]);
  });

  it('reports unexpected errors as such, with the stack in debug', async () => {
    const h = harness();
    await runAction('Sync', async () => Promise.reject(new TypeError('x is undefined')), h.options);
    expect(h.failures[0]).toEqual({ message: 'Unexpected error: x is undefined', title: 'Unexpected error' });
    expect(h.logger.lines.some((line) => line.startsWith('debug: TypeError'))).toBe(true);
  });

  it('survives a summary that cannot be written', async () => {
    const h = harness();
    await runAction('Sync', async () => undefined, {
      ...h.options,
      write: () => Promise.reject(new Error('disk full')),
    });
    expect(h.logger.lines).toContain('warning: Could not write the job summary: disk full');
  });
});
