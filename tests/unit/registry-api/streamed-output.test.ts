/**
 * The two ends of a streamed run inside the executor: the output limit over what is streamed (both
 * outputs together, whatever the worker sends) and whether anything went out (then no retry), and the
 * client's stdin kept for a worker that comes later, within its limit.
 */

import { InteractiveStdin, StreamedOutput } from '../../../registry-api/executor';

describe('StreamedOutput', () => {
  it('sends no more than the limit, stdout and stderr together, and cuts the chunk that crosses it', () => {
    const sent: string[] = [];
    const output = new StreamedOutput({ output: (stream, data) => sent.push(`${stream}:${data.toString()}`) }, 8);
    expect(output.touched).toBe(false);
    output.output('stdout', Buffer.from(''), 'run');
    expect(output.touched).toBe(false);
    output.output('stdout', Buffer.from('12345'), 'run');
    output.output('stderr', Buffer.from('6789'), 'run');
    output.output('stdout', Buffer.from('more'), 'run');
    expect(sent).toEqual(['stdout:12345', 'stderr:678']);
    expect(output.sentBytes).toBe(8);
    expect(output.touched).toBe(true);
  });

  it("counts the compiler's output apart from the program's (each has the limit), and is touched by it", () => {
    const sent: string[] = [];
    const output = new StreamedOutput({ output: (stream, data, phase) => sent.push(`${phase}/${stream}:${data.toString()}`) }, 4);
    output.output('stderr', Buffer.from('warning: x'), 'compile');
    expect(output.touched).toBe(true);
    expect(output.sentBytes).toBe(0);
    output.output('stdout', Buffer.from('1234'), 'run');
    output.output('stdout', Buffer.from('5'), 'run');
    expect(sent).toEqual(['compile/stderr:warn', 'run/stdout:1234']);
  });
});

describe('InteractiveStdin', () => {
  it('hands a worker all that came before it, then the rest, then the end; a second worker gets it all again', () => {
    const stdin = new InteractiveStdin(100);
    stdin.write(Buffer.from('a'));
    const first: string[] = [];
    const detach = stdin.attach({ write: (data) => first.push(data.toString()), end: () => first.push('EOF') });
    stdin.write(Buffer.from('b'));
    detach();
    stdin.write(Buffer.from('c'));
    stdin.end();
    expect(first).toEqual(['a', 'b']);
    const second: string[] = [];
    stdin.attach({ write: (data) => second.push(data.toString()), end: () => second.push('EOF') });
    expect(second).toEqual(['a', 'b', 'c', 'EOF']);
  });

  it('takes nothing past its limit, nor after its end', () => {
    const stdin = new InteractiveStdin(4);
    expect(stdin.write(Buffer.from('abc'))).toBe(true);
    expect(stdin.write(Buffer.from('de'))).toBe(false);
    expect(stdin.write(Buffer.from('d'))).toBe(true);
    expect(stdin.size).toBe(4);
    stdin.end();
    expect(stdin.closed).toBe(true);
    expect(stdin.write(Buffer.alloc(0))).toBe(false);
  });
});
