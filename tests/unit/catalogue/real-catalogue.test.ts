import semver from 'semver';
import { DEBIAN_SUITES, loadCatalogue } from '../../../factory/catalogue';

describe('the repository catalogue (runtimes/)', () => {
  const catalogue = loadCatalogue();

  it('has the languages the platform promises', () => {
    const languages = catalogue.runtimes.map((runtime) => runtime.language);
    expect(languages).toEqual(expect.arrayContaining(['bash', 'c', 'cpp', 'go', 'java', 'node', 'php', 'python', 'ruby']));
  });

  it.each([
    ['js', 'node'],
    ['nodejs', 'node'],
    ['javascript', 'node'],
    ['py', 'python'],
    ['python3', 'python'],
    ['c++', 'cpp'],
    ['g++', 'cpp'],
    ['golang', 'go'],
    ['sh', 'bash'],
    ['rb', 'ruby'],
  ])('alias %s names %s', (alias, language) => {
    expect(catalogue.find(alias)?.language).toBe(language);
  });

  it.each(loadCatalogue().runtimes.map((runtime) => [runtime.language, runtime] as const))(
    '%s: one version per suite, newest first, each a full semver, and a smoke program',
    (_language, runtime) => {
      const suites = runtime.versions.map((entry) => entry.suite);
      expect(new Set(suites).size).toBe(suites.length);
      suites.forEach((suite) => expect(DEBIAN_SUITES).toContain(suite));
      const versions = runtime.versions.map((entry) => entry.version);
      expect(versions).toEqual([...versions].sort(semver.rcompare));
      expect(runtime.smoke.args.length).toBeGreaterThan(0);
      expect(runtime.smoke.stdin).not.toBe('');
      expect(runtime.runtimeScript.startsWith('#!/bin/sh\n')).toBe(true);
      expect(runtime.runtimeScript).toMatch(/\brun\)/);
      if (runtime.compiled) expect(runtime.runtimeScript).toMatch(/\bcompile\)/);
    },
  );

  it('names the libraries of each ecosystem', () => {
    const libraries = Object.fromEntries(catalogue.runtimes.map((runtime) => [runtime.language, runtime.libraries]));
    expect(libraries).toMatchObject({ node: 'npm', python: 'pip', ruby: 'gem', php: 'composer', c: 'none', bash: 'none' });
  });
});
