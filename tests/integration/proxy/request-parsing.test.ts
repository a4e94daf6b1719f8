/**
 * Reading a request, through the binary: what a well-formed request carries reaches the program,
 * unknown fields are ignored, a malformed stream is an internal_error (and ends the proxy: it can't
 * be resynchronised), and files that can't be written as given are the request's fault.
 */
import { useProxyHarness } from './proxy-harness';
import { fileField, rawRequest, shellRequest, text } from './proxy-requests';

jest.setTimeout(120_000);

const proxy = useProxyHarness();

describe('a well-formed request', () => {
  test('carries files, args in order and stdin to the program', async () => {
    const result = await proxy().onceResult(
      shellRequest('echo "args: $*"; cat; cat lib/data.txt', {
        files: [{ name: 'lib/data.txt', content: 'from a file\n' }],
        args: ['one', 'two words', 'three'],
        stdin: 'from stdin\n',
      }),
    );
    expect(result.status).toBe('ok');
    expect(text(result.stdout)).toBe('args: one two words three\nfrom stdin\nfrom a file\n');
  });

  test('ignores fields it does not know (newer callers, older images)', async () => {
    const result = await proxy().onceResult(
      rawRequest([['colour', 'blue'], ['file', fileField('main.sh', 'echo still ok')], ['future_limit', '12'], ['main', 'main.sh']]),
    );
    expect(result).toMatchObject({ status: 'ok', message: '' });
    expect(text(result.stdout)).toBe('still ok\n');
  });

  test('a `cancel` line before a request has nothing to cancel', async () => {
    const request = Buffer.concat([Buffer.from('cancel\n'), rawRequest([['file', fileField('main.sh', 'echo ran')], ['main', 'main.sh']])]);
    expect(text((await proxy().onceResult(request)).stdout)).toBe('ran\n');
  });
});

describe('a malformed request is an internal_error', () => {
  const main: Array<[string, string | Buffer]> = [['file', fileField('main.sh', 'echo never')], ['main', 'main.sh']];
  test.each<[string, Buffer | string, string]>([
    ['another protocol', 'codering/2\nend\n', 'request does not start with codering/1'],
    ['a field line without length', 'codering/1\nmain\n', 'field line without length'],
    ['a length that is not a number', 'codering/1\nmain x7\nmain.sh\nend\n', 'bad field length'],
    ['a field shorter than its length', 'codering/1\nmain 70\nmain.sh\n', 'truncated field'],
    ['a field not followed by a newline', 'codering/1\nmain 3\nmain.sh\nend\n', 'field not followed by newline'],
    ['no end', rawRequest(main, ''), 'truncated request'],
    ['no main file', rawRequest([['file', fileField('main.sh', 'echo')]]), 'no main file'],
    ['a main file outside the box', rawRequest([['main', '../main.sh']]), 'bad main file'],
    ['a file with an absolute path', rawRequest([['file', fileField('/etc/passwd', 'x')], ['main', 'main.sh']]), 'bad file field'],
    ['a file without its NUL', rawRequest([['file', 'main.sh'], ['main', 'main.sh']]), 'bad file field'],
    ['a limit that is not a number', rawRequest([...main, ['wall_ms', '5s']]), 'bad number'],
    ['a limit of zero', rawRequest([...main, ['cpu_ms', '0']]), 'limits must be positive'],
  ])('%s', async (_name, request, message) => {
    const result = await proxy().onceResult(request);
    expect(result).toMatchObject({ status: 'internal_error', exitCode: null, stdout: '', message });
  });

  test('and ends a --serve proxy after the answer: the stream cannot be resynchronised', async () => {
    const session = proxy().serve();
    session.send('codering/1\nmain x\n');
    expect(await session.frame()).toMatchObject({ status: 'internal_error', message: 'bad field length' });
    const ended = await session.ended();
    expect(ended.code).toBe(0);
  });
});

describe('files that cannot be written as given are files_rejected', () => {
  const collide = 'two files\' paths collide (a file and a folder of the same name, or the same path twice)';
  test.each<[string, Array<{ name: string; content: string }>]>([
    ['a file and a folder of the same name', [{ name: 'a', content: 'file' }, { name: 'a/b', content: 'in a folder' }]],
    ['a folder, then a file of the same name', [{ name: 'a/b', content: 'in a folder' }, { name: 'a', content: 'file' }]],
    ['the same path twice', [{ name: 'twice.txt', content: '1' }, { name: 'twice.txt', content: '2' }]],
  ])('%s', async (_name, files) => {
    const result = await proxy().onceResult(shellRequest('echo never', { files }));
    expect(result).toMatchObject({ status: 'files_rejected', message: collide, stdout: '' });
  });

  test('and the worker serves on, on an empty box', async () => {
    const session = proxy().serve();
    try {
      const rejected = await session.run(shellRequest('echo never', { files: [{ name: 'a', content: '' }, { name: 'a/b', content: '' }] }));
      expect(rejected.result.status).toBe('files_rejected');
      expect(rejected.state.state).toBe('clean');
      const next = await session.run(shellRequest('ls -A /box'));
      expect(text(next.result.stdout)).toBe('main.sh\n');
    } finally {
      await session.close();
    }
  });
});
