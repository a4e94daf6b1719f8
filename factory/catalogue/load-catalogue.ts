/**
 * Reads `runtimes/<language>/runtime.yaml` + `runtime.sh` for every folder and validates them, so that a
 * broken catalogue stops the service at start-up with a sentence naming the file and the field, instead
 * of failing a build later.
 */

import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import semver from 'semver';
import { parseDocument } from 'yaml';
import { CoderingError } from '../../errors';
import { createCatalogue, type Catalogue } from './catalogue';
import type { RuntimeDefinition } from './runtime-definition';
import { runtimeYamlSchema, type RuntimeYaml } from './runtime-yaml-schema';
import { schemaErrorMessage } from './schema-error-message';

const ajv = new Ajv({ allErrors: true, strict: true });
// A version must be exactly `x.y.z` (no `v`, no `=`): it becomes an image tag as written.
ajv.addFormat('semver', (value: string) => semver.valid(value) === value);
const validateRuntimeYaml = ajv.compile(runtimeYamlSchema);

/**
 * The repository's `runtimes/` folder. Found relative to this file so that it works from the sources
 * (tsx, ts-jest) and from a compiled `dist/` one level deeper.
 */
export function defaultCatalogueDirectory(): string {
  const candidates = [path.resolve(__dirname, '../../runtimes'), path.resolve(__dirname, '../../../runtimes')];
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? (candidates[0] as string);
}

export function loadCatalogue(directory: string = defaultCatalogueDirectory()): Catalogue {
  const root = path.basename(directory);
  if (!fs.existsSync(directory)) {
    throw new CoderingError('invalid_catalogue', `${root}: the catalogue folder does not exist`, { file: root });
  }
  const folders = fs
    .readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  if (folders.length === 0) {
    throw new CoderingError('invalid_catalogue', `${root}: the catalogue has no runtime folders`, { file: root });
  }
  return createCatalogue(folders.map((folder) => loadDefinition(path.join(directory, folder), `${root}/${folder}`)));
}

/** One folder; `shown` is its name as error messages write it (`runtimes/python`). */
export function loadDefinition(folder: string, shown: string = path.basename(folder)): RuntimeDefinition {
  const file = `${shown}/runtime.yaml`;
  const fail = (field: string, message: string, extra: Record<string, unknown> = {}): never => {
    throw new CoderingError('invalid_catalogue', `${file}: ${message}`, { file, field, ...extra });
  };

  const yamlPath = path.join(folder, 'runtime.yaml');
  if (!fs.existsSync(yamlPath)) fail('', 'the file is missing');
  const document = parseDocument(fs.readFileSync(yamlPath, 'utf8'), { prettyErrors: true });
  const yamlError = document.errors[0];
  if (yamlError !== undefined) {
    const line = yamlError.linePos?.[0]?.line;
    fail('', `not valid YAML${line === undefined ? '' : ` (line ${line})`}: ${yamlError.message.split('\n')[0]}`);
  }
  const data: unknown = document.toJS();

  if (!validateRuntimeYaml(data)) {
    const errors = (validateRuntimeYaml.errors ?? []).map(schemaErrorMessage);
    const first = errors[0] ?? { field: '/', message: '/ is invalid' };
    fail(first.field, errors.map((error) => error.message).join('; '), { errors });
  }
  const yaml = data as RuntimeYaml;

  const folderName = path.basename(folder);
  if (yaml.language !== folderName) {
    fail('/language', `/language must equal the folder's name "${folderName}", not "${yaml.language}"`);
  }
  if (yaml.aliases.includes(yaml.language)) {
    fail('/aliases', `/aliases must not repeat the language "${yaml.language}"`);
  }
  if (!yaml.smoke.files.some((smokeFile) => smokeFile.name === yaml.main)) {
    fail('/smoke/files', `/smoke/files must contain the main file "${yaml.main}"`);
  }

  const scriptPath = path.join(folder, 'runtime.sh');
  if (!fs.existsSync(scriptPath)) {
    throw new CoderingError('invalid_catalogue', `${shown}/runtime.sh: the file is missing`, {
      file: `${shown}/runtime.sh`,
      field: '',
    });
  }
  const runtimeScript = fs.readFileSync(scriptPath, 'utf8');
  if (runtimeScript.trim() === '') {
    throw new CoderingError('invalid_catalogue', `${shown}/runtime.sh: the file is empty`, {
      file: `${shown}/runtime.sh`,
      field: '',
    });
  }

  return {
    language: yaml.language,
    displayName: yaml.displayName,
    aliases: yaml.aliases,
    main: yaml.main,
    compiled: yaml.compiled,
    prewarm: yaml.prewarm ?? false,
    libraries: yaml.libraries,
    versions: yaml.versions.map((entry) => ({ ...entry })),
    smoke: yaml.smoke,
    runtimeScript,
    directory: folder,
  };
}
