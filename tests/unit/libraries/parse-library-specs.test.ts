import { CoderingError } from '../../../errors';
import { formatLibrarySpec, MAX_LIBRARIES, parseLibrarySpecs } from '../../../factory/libraries';
import { runtimeWith } from './library-fixtures';

const node = runtimeWith('npm', 'node');
const python = runtimeWith('pip', 'python');
const ruby = runtimeWith('gem', 'ruby');
const php = runtimeWith('composer', 'php');
const c = runtimeWith('none', 'c');
const runtimes = { node, python, ruby, php, c };
type Language = keyof typeof runtimes;

function rejection(runtime: ReturnType<typeof runtimeWith>, specs: string[]): CoderingError {
  try {
    parseLibrarySpecs(runtime, specs);
  } catch (error) {
    expect(error).toBeInstanceOf(CoderingError);
    return error as CoderingError;
  }
  throw new Error(`${JSON.stringify(specs)} was accepted`);
}

describe('parseLibrarySpecs: accepted specs', () => {
  it.each([
    ['node', 'lodash', { installer: 'npm', name: 'lodash', version: '' }],
    ['node', 'lodash@4', { installer: 'npm', name: 'lodash', version: '4' }],
    ['node', 'lodash@^4.17.21', { installer: 'npm', name: 'lodash', version: '^4.17.21' }],
    ['node', '@types/node@20', { installer: 'npm', name: '@types/node', version: '20' }],
    ['node', '@babel/core', { installer: 'npm', name: '@babel/core', version: '' }],
    ['node', 'react@next', { installer: 'npm', name: 'react', version: 'next' }],
    ['node', 'left-pad@1.x||2', { installer: 'npm', name: 'left-pad', version: '1.x||2' }],
    ['node', 'npm:lodash@4', { installer: 'npm', name: 'lodash', version: '4' }],
    ['python', 'requests', { installer: 'pip', name: 'requests', version: '' }],
    ['python', 'requests==2.31.0', { installer: 'pip', name: 'requests', version: '==2.31.0' }],
    ['python', 'numpy>=1.26,<2', { installer: 'pip', name: 'numpy', version: '<2,>=1.26' }],
    ['python', 'Django~=4.2', { installer: 'pip', name: 'django', version: '~=4.2' }],
    ['python', 'zope.interface!=5.*', { installer: 'pip', name: 'zope-interface', version: '!=5.*' }],
    ['python', 'uvicorn[standard,Socks]==0.30.1', { installer: 'pip', name: 'uvicorn', version: '==0.30.1', extras: ['socks', 'standard'] }],
    ['python', 'torch==2.3.0+cpu', { installer: 'pip', name: 'torch', version: '==2.3.0+cpu' }],
    ['ruby', 'rake', { installer: 'gem', name: 'rake', version: '' }],
    ['ruby', 'rake@13.0.6', { installer: 'gem', name: 'rake', version: '13.0.6' }],
    ['ruby', 'nokogiri@~>1.15', { installer: 'gem', name: 'nokogiri', version: '~>1.15' }],
    ['ruby', 'rspec@>=3,<4', { installer: 'gem', name: 'rspec', version: '>=3,<4' }],
    ['php', 'monolog/monolog', { installer: 'composer', name: 'monolog/monolog', version: '' }],
    ['php', 'monolog/monolog@^3.0', { installer: 'composer', name: 'monolog/monolog', version: '^3.0' }],
    ['php', 'symfony/console@>=6.4,<8||7.*', { installer: 'composer', name: 'symfony/console', version: '>=6.4,<8||7.*' }],
    ['php', 'vendor/package@dev-main', { installer: 'composer', name: 'vendor/package', version: 'dev-main' }],
    ['node', 'apt:jq', { installer: 'apt', name: 'jq', version: '' }],
    ['python', 'apt:libxml2-dev=2.9.14+dfsg-1.3~deb12u1', { installer: 'apt', name: 'libxml2-dev', version: '2.9.14+dfsg-1.3~deb12u1' }],
    ['c', 'apt:libgmp-dev', { installer: 'apt', name: 'libgmp-dev', version: '' }],
    ['c', 'apt:g++=4:12.2.0-3', { installer: 'apt', name: 'g++', version: '4:12.2.0-3' }],
  ] as [Language, string, object][])('%s: %s', (language, spec, expected) => {
    expect(parseLibrarySpecs(runtimes[language], [spec])).toEqual([expected]);
  });
});

describe('parseLibrarySpecs: rejected specs', () => {
  it.each([
    ['node', 'lodash; rm -rf /', 'whitespace'],
    ['node', 'lodash;rm', '";"'],
    ['node', '$(curl x)', 'whitespace'],
    ['node', '$(curl)', '"$"'],
    ['node', '`id`', '"`"'],
    ['node', 'lodash\nRUN curl x', 'whitespace'],
    ['node', "lodash'", `"'"`],
    ['node', 'lodash"', '"\\""'],
    ['node', 'lodash @4', 'whitespace'],
    ['python', '--index-url=http://x', 'command-line option'],
    ['python', '-e', 'command-line option'],
    ['python', '-egit+https://github.com/x/y', 'command-line option'],
    ['node', 'lodash@file:../x', 'paths'],
    ['node', 'lodash@file:x', 'neither a semver range nor a dist-tag'],
    ['node', 'lodash@git+ssh://git@github.com/x/y', 'URLs'],
    ['node', 'lodash@github:x/y', 'neither a semver range nor a dist-tag'],
    ['node', 'lodash@http://evil', 'URLs'],
    ['node', 'lodash@npm:evil', 'neither a semver range nor a dist-tag'],
    ['node', '../x', 'paths'],
    ['node', './x', 'npm name cannot start'],
    ['node', '_private', 'npm name cannot start'],
    ['node', 'Lodash', 'lowercase'],
    ['node', 'node_modules', 'not a valid npm package name'],
    ['node', 'lodash@', 'nothing follows "@"'],
    ['node', `${'a'.repeat(215)}`, 'longer than 214'],
    ['node', 'x'.repeat(300), 'longer than 256'],
    ['node', '', 'empty'],
    ['node', '   ', 'empty'],
    ['node', 'a b', 'whitespace'],
    ['node', 'lodäsh', 'printable ASCII'],
    ['node', 'lodash\u0000', 'control characters'],
    ['python', 'requests @ https://x/y.whl', 'whitespace'],
    ['python', 'requests@https://x', 'URLs'],
    ['python', 'requests@2.31.0', 'direct references'],
    ['python', 'requests==2.31.0;python_version<"3.8"', '";"'],
    ['python', 'requests[sec$urity]', '"$"'],
    ['python', 'requests[a/b]', 'extras must be names'],
    ['python', 'requests===foo', 'not a PEP 440'],
    ['python', 'requests==latest', 'not a PEP 440'],
    ['python', 'requests~=2', 'not a PEP 440'],
    ['python', '.requests', 'starts with a package name'],
    ['ruby', 'rake:13.0.6', 'not a valid gem name'],
    ['ruby', 'rake@latest', 'not a RubyGems requirement'],
    ['ruby', '123', 'not a valid gem name'],
    ['php', 'monolog', 'not a composer package name'],
    ['php', 'Monolog/Monolog', 'not a composer package name'],
    ['php', 'vendor/package@dev-feature/x', 'not a composer version constraint'],
    ['node', 'apt:', 'nothing follows "apt:"'],
    ['node', 'apt:jq/bookworm-backports', 'not a Debian package name'],
    ['node', 'apt:jq:i386', 'not a Debian package name'],
    ['node', 'apt:JQ', 'not a Debian package name'],
    ['node', 'apt:jq=latest', 'not a Debian version'],
    ['node', 'apt:-o=APT::x', 'not a Debian package name'],
  ] as [Language, string, string][])('%s: %j', (language, spec, why) => {
    const error = rejection(runtimes[language], [spec]);
    expect(error.code).toBe('invalid_library');
    expect(error.status).toBe(400);
    expect(error.message).toContain(JSON.stringify(spec.length > 80 ? `${spec.slice(0, 80)}…` : spec));
    expect(error.message).toContain(why);
  });

  it('rejects the same package twice, however it is spelled', () => {
    expect(rejection(node, ['lodash@4', 'lodash@3']).message).toContain('lodash is already asked by "lodash@4"');
    expect(rejection(python, ['Requests', 'requests==2.31.0']).code).toBe('invalid_library');
    expect(rejection(python, ['zope.interface', 'zope_interface']).code).toBe('invalid_library');
    expect(rejection(node, ['apt:jq', 'apt:jq=1.6-2.1']).code).toBe('invalid_library');
  });

  it(`accepts ${MAX_LIBRARIES} libraries and refuses more`, () => {
    const many = Array.from({ length: MAX_LIBRARIES + 1 }, (_, index) => `package-${index}`);
    expect(parseLibrarySpecs(node, many.slice(0, MAX_LIBRARIES))).toHaveLength(MAX_LIBRARIES);
    expect(rejection(node, many).message).toContain(`at most ${MAX_LIBRARIES}`);
  });

  it('refuses plain specs for a runtime without an ecosystem, and another ecosystem explicitly asked', () => {
    const plain = rejection(c, ['libgmp']);
    expect(plain.code).toBe('libraries_not_supported');
    expect(plain.message).toContain('apt:');
    const other = rejection(node, ['pip:requests']);
    expect(other.code).toBe('libraries_not_supported');
    expect(other.message).toBe('node takes npm and apt libraries, not pip ("pip:requests")');
    expect(rejection(c, ['npm:lodash']).code).toBe('libraries_not_supported');
  });

  it('gives back what it accepts in canonical form', () => {
    const specs = parseLibrarySpecs(python, ['Requests==2.31.0', 'apt:jq', 'uvicorn[standard]', 'numpy<2,>=1.26']);
    expect(specs.map(formatLibrarySpec)).toEqual(['apt:jq', 'numpy<2,>=1.26', 'requests==2.31.0', 'uvicorn[standard]']);
  });
});
