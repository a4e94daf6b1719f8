import { CoderingError } from '../../../errors';
import { createCatalogue, type RuntimeDefinition, type RuntimeVersion } from '../../../factory/catalogue';
import { parseRuntimeRequest, resolveRuntime } from '../../../factory/resolve';

/** A small catalogue of our own: the table must not change when the real data gains a version. */
function runtime(language: string, aliases: string[], versions: string[]): RuntimeDefinition {
  const entry = (version: string): RuntimeVersion => ({
    version,
    suite: 'bookworm',
    packages: [language],
    upstreamImage: `${language}:${version}`,
  });
  return {
    language,
    displayName: language,
    aliases,
    main: 'main',
    compiled: false,
    libraries: 'none',
    versions: versions.map(entry),
    smoke: { files: [{ name: 'main', content: 'x' }], stdin: '', args: [], expectedStdout: 'x' },
    runtimeScript: '#!/bin/sh\n',
    directory: `runtimes/${language}`,
  };
}

const catalogue = createCatalogue([
  runtime('python', ['py', 'python3'], ['3.9.2', '3.13.5', '3.11.2']),
  runtime('node', ['js', 'nodejs', 'javascript'], ['12.22.12', '18.20.4', '20.19.2']),
  runtime('php', [], ['7.4.33', '8.2.32', '8.4.27']),
  runtime('cpp', ['c++', 'g++'], ['10.2.1', '12.2.0', '14.2.0']),
]);

function failure(request: string): CoderingError {
  try {
    resolveRuntime(catalogue, request);
  } catch (error) {
    expect(error).toBeInstanceOf(CoderingError);
    return error as CoderingError;
  }
  throw new Error(`${request} resolved`);
}

describe('resolveRuntime', () => {
  it.each([
    ['python@3.11.2', 'python@3.11.2'],
    ['python@3.11', 'python@3.11.2'],
    ['python@3', 'python@3.13.5'],
    ['python@^3.10', 'python@3.13.5'],
    ['python@~3.9', 'python@3.9.2'],
    ['python@<3.11', 'python@3.9.2'],
    ['python@latest', 'python@3.13.5'],
    ['python@*', 'python@3.13.5'],
    ['python', 'python@3.13.5'],
    ['  Python@3.11  ', 'python@3.11.2'],
    ['node@18.x', 'node@18.20.4'],
    ['node@12 || 18', 'node@18.20.4'],
    ['php@>=8.1 <8.4', 'php@8.2.32'],
    ['php@7', 'php@7.4.33'],
    ['py@3', 'python@3.13.5'],
    ['py@3.9', 'python@3.9.2'],
    ['js@20', 'node@20.19.2'],
    ['javascript', 'node@20.19.2'],
    ['c++', 'cpp@14.2.0'],
    ['g++@12', 'cpp@12.2.0'],
  ])('%s → %s', (request, id) => {
    const resolved = resolveRuntime(catalogue, request);
    expect(resolved.id).toBe(id);
    expect(`${resolved.language}@${resolved.version}`).toBe(id);
    expect(resolved.entry.version).toBe(resolved.version);
    expect(resolved.definition.language).toBe(resolved.language);
  });

  it('names every language and alias when the language is unknown', () => {
    const error = failure('cobol@1');
    expect(error.code).toBe('unknown_runtime');
    expect(error.status).toBe(404);
    expect(error.message).toBe(
      'unknown runtime "cobol"; available: cpp (c++, g++), node (js, nodejs, javascript), php, python (py, python3)',
    );
    expect(error.details.available).toEqual(['c++', 'cpp', 'g++', 'javascript', 'js', 'node', 'nodejs', 'php', 'py', 'python', 'python3']);
  });

  it('lists the versions that exist when none satisfies', () => {
    const error = failure('python@^4');
    expect(error.code).toBe('unsatisfiable_version');
    expect(error.message).toBe('no version of python satisfies "^4"; available: 3.13.5, 3.11.2, 3.9.2');
    expect(error.details.available).toEqual(['3.13.5', '3.11.2', '3.9.2']);
    expect(failure('py@3.10').code).toBe('unsatisfiable_version');
    expect(failure('node@19.0.0').code).toBe('unsatisfiable_version');
  });

  it.each(['python@banana', 'python@3..1', 'python@>=>3', 'node@^', 'python@3;rm', 'python@$(id)', 'python@'])(
    '%s is an invalid range',
    (request) => {
      const error = failure(request);
      expect(error.code).toBe('invalid_version_range');
      expect(error.status).toBe(400);
    },
  );
});

describe('parseRuntimeRequest', () => {
  it('splits language and range', () => {
    expect(parseRuntimeRequest('php@>=8.1   <8.4')).toEqual({ name: 'php', range: '>=8.1 <8.4' });
    expect(parseRuntimeRequest('C++')).toEqual({ name: 'c++', range: '' });
  });

  it.each(['', '   ', '\n', '@3', 'py thon', 'py;rm -rf /', '$(curl x)', '`id`', '../python', 'python\n@3', 'x'.repeat(101), 'pyth"on'])(
    'rejects %j cleanly',
    (request) => {
      expect(() => parseRuntimeRequest(request)).toThrow(CoderingError);
      try {
        parseRuntimeRequest(request);
      } catch (error) {
        expect(['invalid_request', 'invalid_version_range']).toContain((error as CoderingError).code);
        expect((error as CoderingError).status).toBe(400);
      }
    },
  );
});
