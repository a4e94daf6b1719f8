/**
 * The factory's settings: its part of the one configuration (config/, whose table documents every
 * `CODERING_*` variable), with the values that depend on the machine worked out: the data dir made
 * absolute from the repository root (as the scripts do), the registry's scheme from its address, its
 * password from the file scripts/start-registry.sh writes (`<data dir>/registry/password`, so a
 * machine set up by the scripts needs no variable at all), and the build CA's path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { coderingConfig, loadConfig, type CoderingConfig, type FactorySettings } from '../../config';
import { CoderingError } from '../../errors';
import type { ContextFile } from '../engine';

/** The configuration's factory part, with what depends on the machine worked out. */
export interface FactoryConfig extends Omit<FactorySettings, 'registryScheme' | 'registryPassword' | 'buildCa' | 'debianMirror'> {
  registryScheme: 'http' | 'https';
  /** null when neither the variable nor the password file gives one (pushes then go without auth). */
  registryPassword: string | null;
  /** Absolute. */
  dataDir: string;
  /** Absolute path of a PEM file or a folder of them, or null for none. */
  buildCa: string | null;
}

/** Debian's place for the CAs an administrator adds: trusted by the host, so by its builds too. */
export const HOST_LOCAL_CA_DIRECTORY = '/usr/local/share/ca-certificates';

/** The repository root: relative data dirs are taken from there, as the scripts do. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

/** The factory's settings out of a loaded configuration. Pure apart from the password file. */
export function factoryConfigOf(config: Readonly<CoderingConfig>): Readonly<FactoryConfig> {
  const { factory } = config;
  const dataDir = path.resolve(REPOSITORY_ROOT, config.dataDir);
  const local = /^(127\.[0-9.]+|localhost)(:[0-9]+)?$/.test(factory.registry);
  let registryPassword = factory.registryPassword;
  if (registryPassword === null) {
    try {
      registryPassword = fs.readFileSync(path.join(dataDir, 'registry', 'password'), 'utf8').trim() || null;
    } catch {
      registryPassword = null;
    }
  }
  // debianMirror is the scripts' alone: the factory never runs debootstrap.
  const { debianMirror: _scriptsOnly, ...settings } = factory;
  return Object.freeze({
    ...settings,
    registryScheme: factory.registryScheme ?? (local ? 'http' : 'https'),
    registryPassword,
    dataDir,
    buildCa: buildCaPath(factory.buildCa),
  });
}

/** Reads and checks the settings from `env`; throws ConfigError naming the variable at fault. */
export function loadFactoryConfig(env: NodeJS.ProcessEnv = process.env): Readonly<FactoryConfig> {
  return factoryConfigOf(loadConfig(env));
}

function buildCaPath(text: string | null): string | null {
  if (text === 'none') return null;
  if (text) return path.resolve(REPOSITORY_ROOT, text);
  return fs.existsSync(HOST_LOCAL_CA_DIRECTORY) ? HOST_LOCAL_CA_DIRECTORY : null;
}

/**
 * The certificates of `buildCa`: the file itself, or the folder's `*.crt`/`*.pem` files in name order.
 * A path that does not exist is a configuration error, not an empty list.
 */
export function readBuildCertificates(buildCa: string | null): ContextFile[] {
  if (buildCa === null) return [];
  let stat: fs.Stats;
  try {
    stat = fs.statSync(buildCa);
  } catch {
    throw new CoderingError('internal', `CODERING_BUILD_CA=${buildCa} does not exist`, { buildCa });
  }
  const files = stat.isDirectory()
    ? fs
        .readdirSync(buildCa)
        .filter((name) => /\.(crt|pem)$/.test(name))
        .sort()
        .map((name) => path.join(buildCa, name))
    : [buildCa];
  return files.map((file) => ({ name: path.basename(file), content: fs.readFileSync(file) }));
}

let current: Readonly<FactoryConfig> | undefined;

/** The process's settings, from the process's one configuration, on first use. */
export function factoryConfig(): Readonly<FactoryConfig> {
  current ??= factoryConfigOf(coderingConfig());
  return current;
}
