import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoderingError } from '../../../errors';
import { loadCatalogue } from '../../../factory/catalogue';

const fixture = (name: string): string => path.join(__dirname, 'fixtures', name);

function loadError(name: string): CoderingError {
  try {
    loadCatalogue(fixture(name));
  } catch (error) {
    expect(error).toBeInstanceOf(CoderingError);
    expect((error as CoderingError).code).toBe('invalid_catalogue');
    return error as CoderingError;
  }
  throw new Error(`fixture ${name} loaded without error`);
}

describe('loadCatalogue', () => {
  it('loads a valid folder, versions newest first, with the script and directory', () => {
    const catalogue = loadCatalogue(fixture('valid'));
    expect(catalogue.runtimes.map((runtime) => runtime.language)).toEqual(['python', 'ruby']);
    const python = catalogue.find('PY');
    expect(python?.language).toBe('python');
    expect(python?.versions.map((entry) => entry.version)).toEqual(['3.11.2', '3.9.2']);
    expect(python?.runtimeScript).toContain('exec python3');
    expect(python?.directory).toBe(path.join(fixture('valid'), 'python'));
    expect(catalogue.names()).toEqual(['py', 'python', 'rb', 'ruby']);
    expect(catalogue.find('cobol')).toBeUndefined();
  });

  it.each([
    ['bad-suite', 'bad-suite/python/runtime.yaml: /versions/1/suite must be one of bullseye, bookworm, trixie', '/versions/1/suite'],
    ['unknown-key', 'bad', '/versions/1/imagee'],
    ['bad-version', 'bad', '/versions/1/version'],
    ['missing-smoke', 'bad', '/smoke'],
    ['bad-package', 'bad', '/versions/0/packages/0'],
    ['bad-library-installer', 'bad', '/libraries'],
    ['language-mismatch', 'bad', '/language'],
    ['smoke-without-main', 'bad', '/smoke/files'],
    ['duplicate-version', 'bad', '/versions/1/version'],
  ])('%s: names the file and the field', (name, exact, field) => {
    const error = loadError(name);
    expect(error.message.startsWith(`${name}/python/runtime.yaml: `)).toBe(true);
    if (exact !== 'bad') expect(error.message).toBe(exact);
    expect(error.message).toContain(field);
    expect(error.details.field).toBe(field);
    expect(error.details.file).toBe(`${name}/python/runtime.yaml`);
  });

  it('says which key is unknown and which version is not semver', () => {
    expect(loadError('unknown-key').message).toContain('/versions/1/imagee is not a known key');
    expect(loadError('bad-version').message).toContain('/versions/1/version must be a full semver version');
    expect(loadError('missing-smoke').message).toContain('/smoke is required');
  });

  it('reports a YAML syntax error with its line', () => {
    expect(loadError('invalid-yaml').message).toMatch(/^invalid-yaml\/python\/runtime\.yaml: not valid YAML \(line \d+\)/);
  });

  it('rejects an alias used by two runtimes, and an alias equal to another language', () => {
    expect(loadError('duplicate-alias').message).toBe(
      'duplicate-alias/ruby/runtime.yaml: /aliases "py" is already used by duplicate-alias/python/runtime.yaml',
    );
    expect(loadError('alias-is-language').message).toContain('/aliases "python" is already used by');
  });

  it('requires runtime.sh next to runtime.yaml', () => {
    expect(loadError('missing-script').message).toBe('missing-script/python/runtime.sh: the file is missing');
  });

  it('rejects a missing or empty catalogue folder', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-'));
    try {
      expect(() => loadCatalogue(empty)).toThrow(/has no runtime folders/);
      expect(() => loadCatalogue(path.join(empty, 'absent'))).toThrow(/does not exist/);
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
  });
});
