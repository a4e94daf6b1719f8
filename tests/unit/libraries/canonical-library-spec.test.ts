import { canonicalLibrarySpecs, formatLibrarySpec, parseLibrarySpecs } from '../../../factory/libraries';
import { runtimeWith } from './library-fixtures';

const node = runtimeWith('npm', 'node');
const python = runtimeWith('pip', 'python');

describe('canonical library specs', () => {
  it('formats each ecosystem as it is written', () => {
    expect(formatLibrarySpec({ installer: 'npm', name: '@types/node', version: '20' })).toBe('@types/node@20');
    expect(formatLibrarySpec({ installer: 'pip', name: 'requests', version: '==2.31.0' })).toBe('requests==2.31.0');
    expect(formatLibrarySpec({ installer: 'pip', name: 'uvicorn', version: '', extras: ['standard'] })).toBe('uvicorn[standard]');
    expect(formatLibrarySpec({ installer: 'gem', name: 'rake', version: '~>13.0' })).toBe('rake@~>13.0');
    expect(formatLibrarySpec({ installer: 'composer', name: 'a/b', version: '^3.0' })).toBe('a/b@^3.0');
    expect(formatLibrarySpec({ installer: 'apt', name: 'jq', version: '' })).toBe('apt:jq');
    expect(formatLibrarySpec({ installer: 'apt', name: 'jq', version: '1.6-2.1' })).toBe('apt:jq=1.6-2.1');
  });

  it('orders a set the same whatever order it was asked in: apt first, then by name', () => {
    const asked = ['zod@3', 'apt:jq', '@types/node@20', 'lodash@4', 'apt:curl', 'express'];
    const expected = ['apt:curl', 'apt:jq', '@types/node@20', 'express', 'lodash@4', 'zod@3'];
    expect(canonicalLibrarySpecs(node, asked)).toEqual(expected);
    expect(canonicalLibrarySpecs(node, [...asked].reverse())).toEqual(expected);
  });

  it('makes spellings of the same requirement one text', () => {
    expect(canonicalLibrarySpecs(python, ['Zope.Interface>=5,<7', 'pip:PyYAML'])).toEqual(
      canonicalLibrarySpecs(python, ['pyyaml', 'zope_interface<7,>=5']),
    );
    expect(canonicalLibrarySpecs(python, ['uvicorn[Standard,socks]'])).toEqual(['uvicorn[socks,standard]']);
  });

  it('parses its own output back to the same specs', () => {
    const specs = parseLibrarySpecs(python, ['requests==2.31.0', 'apt:libxml2-dev=2.9.14+dfsg-1.3~deb12u1', 'uvicorn[standard]~=0.30']);
    expect(parseLibrarySpecs(python, specs.map(formatLibrarySpec))).toEqual(specs);
  });
});
