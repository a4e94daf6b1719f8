/**
 * The places that cannot import the configuration module keep its defaults written out: the README
 * (people), and the shell scripts that run before `npm ci`. These tests keep them equal to the table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, configMarkdownTable, DEFAULT_CONFIG } from '../../../config';

const root = path.resolve(__dirname, '../../..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

/** The literal of `NAME="value"` in a shell file. */
function shellLiteral(text: string, name: string): string | undefined {
  return new RegExp(`^${name}="([^"$]*)"$`, 'm').exec(text)?.[1];
}

describe("README's configuration table", () => {
  const readme = read('README.md');

  test('is the table `codering config table` prints', () => {
    expect(readme).toContain(configMarkdownTable());
  });

  test.each(CONFIG_VARIABLES.map((variable) => variable.name))('documents %s', (name) => {
    expect(readme).toContain(`\`${name}\``);
  });
});

describe("the scripts' written-out defaults", () => {
  const common = read('scripts/lib/common.sh');

  test('scripts/lib/common.sh', () => {
    expect(shellLiteral(common, 'CODERING_DATA_DIR_DEFAULT')).toBe(DEFAULT_CONFIG.dataDir);
    expect(shellLiteral(common, 'CODERING_REGISTRY_DEFAULT')).toBe(DEFAULT_CONFIG.factory.registry);
    expect(shellLiteral(common, 'CODERING_REGISTRY_USERNAME_DEFAULT')).toBe(DEFAULT_CONFIG.factory.registryUsername);
  });

  test('scripts/make-debian-root.sh', () => {
    const mirror = /\$\{CODERING_DEBIAN_MIRROR:-([^}]*)\}/.exec(read('scripts/make-debian-root.sh'))?.[1];
    expect(mirror).toBe(DEFAULT_CONFIG.factory.debianMirror);
  });

  test('every other fallback of a CODERING_* variable goes through those, or through `codering config get`', () => {
    const scripts = fs.readdirSync(path.join(root, 'scripts')).filter((name) => name.endsWith('.sh'));
    const allowed = new Set(['CODERING_DEBIAN_MIRROR']);
    for (const name of scripts) {
      const text = read(`scripts/${name}`);
      for (const match of text.matchAll(/\$\{(CODERING_[A-Z_]+):-([^}]*)\}/g)) {
        const [, variable, fallback] = match;
        if (allowed.has(variable as string)) continue;
        // `${X:-}` (empty: "unset") or a default taken from common.sh's written-out ones.
        expect([`${name}: ${variable}`, fallback === '' || /^\$CODERING_[A-Z_]+_DEFAULT$/.test(fallback as string)]).toEqual([
          `${name}: ${variable}`,
          true,
        ]);
      }
    }
  });
});
