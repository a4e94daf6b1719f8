import {
  MAX_FUNCTION_NAME_LENGTH,
  functionNameForImage,
  functionNameForRuntime,
  imageNameOf,
  isFunctionName,
  toFunctionName,
} from '../../../factory/nuclio';

describe('function names', () => {
  it('turns a runtime id into a DNS label with our prefix', () => {
    expect(functionNameForRuntime('python@3.11.2')).toBe('codering-python-3-11-2');
    expect(functionNameForRuntime('C++@12.2.0')).toBe('codering-c-12-2-0');
  });

  it('derives the same name from a runtime image, whatever registry, path or digest', () => {
    const expected = functionNameForRuntime('python@3.11.2');
    expect(functionNameForImage('127.0.0.1:5000/codering/python:3.11.2')).toBe(expected);
    expect(functionNameForImage(`registry.codering.svc:5000/codering/python:3.11.2@sha256:${'a'.repeat(64)}`)).toBe(
      expected,
    );
    expect(functionNameForImage('python')).toBe('codering-python-latest');
    expect(functionNameForImage('localhost:5000/node:20.19.0-abc123')).toBe('codering-node-20-19-0-abc123');
    // The cluster variant (with Nuclio's processor) serves the same runtime as the runtime image.
    expect(functionNameForImage('codering/python-nuclio:3.11.2-3f83798b1ac3')).toBe(
      functionNameForImage('127.0.0.1:5000/codering/python:3.11.2-3f83798b1ac3'),
    );
  });

  it('splits a reference into the factory\'s repository and tag, whatever the registry or digest', () => {
    const digest = `@sha256:${'a'.repeat(64)}`;
    expect(imageNameOf(`127.0.0.1:5000/codering/python:3.11.2-3f83798b1ac3${digest}`)).toEqual({
      repository: 'codering/python',
      tag: '3.11.2-3f83798b1ac3',
    });
    expect(imageNameOf('registry.example.org/codering/api:0.1.0-0123456789ab')).toEqual({ repository: 'codering/api', tag: '0.1.0-0123456789ab' });
    expect(imageNameOf('localhost/codering/php')).toEqual({ repository: 'codering/php', tag: 'latest' });
    expect(imageNameOf('codering/node:20.19.0')).toEqual({ repository: 'codering/node', tag: '20.19.0' });
    expect(() => imageNameOf('registry:5000/codering/python:')).toThrow(/not an image reference/);
  });

  it('keeps long names within what `nuclio-<name>` allows and distinct', () => {
    const a = toFunctionName(`node@20.19.0+${'lodash@4.17.21+'.repeat(6)}a`);
    const b = toFunctionName(`node@20.19.0+${'lodash@4.17.21+'.repeat(6)}b`);
    expect(a.length).toBeLessThanOrEqual(MAX_FUNCTION_NAME_LENGTH);
    expect(MAX_FUNCTION_NAME_LENGTH).toBe(56);
    expect(isFunctionName(a)).toBe(true);
    expect(a).not.toBe(b);
  });

  it('rejects what cannot become a name', () => {
    expect(() => toFunctionName('@@@', '')).toThrow(/no valid Nuclio function name/);
    expect(() => toFunctionName('3.11', '')).toThrow(/no valid/);
    expect(isFunctionName('Codering')).toBe(false);
    expect(isFunctionName('codering-')).toBe(false);
  });
});
