/**
 * The `codering` command line: the factory by hand.
 *   codering runtimes                        the catalogue
 *   codering resolve <spec>                  what a request resolves to, and its image if built
 *   codering render <spec> [options]         the Dockerfile the factory would build
 *   codering build <spec> [--lib x] [--no-push] [--target nuclio]  (or --all)
 *   codering api-image [--no-push] [--render]  the registry API's own image (codering/api)
 *   codering images                          what the registry holds
 *   codering config get <VARIABLE> | env     the effective CODERING_* configuration
 *   codering keys create|list|revoke         the API's keys
 * Results go to stdout, progress and errors to stderr. Exit codes: 0 ok, 1 our failure (engine,
 * registry, build), 2 bad input (unknown runtime, bad library, bad option).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CoderingError, isCoderingError } from '../../errors';
import {
  createImageBuilder,
  createImageEngine,
  createImageRegistryClient,
  pruneStaleImages,
  type FactoryImageBuilder,
  type PlannedImage,
} from '../builder';
import { everyVersion, loadCatalogue } from '../catalogue';
import { factoryConfig } from '../config';
import { resolveRuntime } from '../resolve';
import { BuildProgressDisplay } from './build-progress-display';
import { addConfigCommand } from './config-command';
import { addKeysCommand } from './keys-command';
import { formatTable } from './table';

/** Exit code of an error: 2 for the caller's mistake, 1 for ours. */
export function exitCodeOf(error: unknown): number {
  return isCoderingError(error) && error.kind === 'bad_input' ? 2 : 1;
}

/** `error <code>: <message>`, plus the failing build step's log when there is one. */
export function describeError(error: unknown): string {
  if (!isCoderingError(error)) return `error: ${error instanceof Error ? error.message : String(error)}`;
  const lines = [`error ${error.code}: ${error.message}`];
  const log = error.details.log;
  if (Array.isArray(log) && log.length > 0) {
    lines.push(`--- last output of step ${String(error.details.step)}/${String(error.details.total)} of ${String(error.details.image)}:`);
    lines.push(...log.map((line) => `    ${String(line)}`));
  }
  return lines.join('\n');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The tiers of a local chain `render --tier` can pick (the nuclio image is `--target nuclio`). */
const TIERS = ['base', 'runtime', 'exercise'] as const;
type RenderTier = (typeof TIERS)[number];

function choice<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!values.includes(value as T)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
    return value as T;
  };
}

/** Where a build or a render ends: the local image, or the Nuclio function image of it. */
const TARGETS = ['local', 'nuclio'] as const;
type Target = (typeof TARGETS)[number];

let builder: FactoryImageBuilder | undefined;
function defaultBuilder(): FactoryImageBuilder {
  builder ??= createImageBuilder();
  return builder;
}

/** One build with its progress bar on the terminal, closed whichever way the build ends; and its time. */
async function withBuildProgress<T>(
  build: (onProgress: (progress: Parameters<BuildProgressDisplay['update']>[0]) => void) => Promise<T>,
): Promise<{ built: T; seconds: string }> {
  const display = new BuildProgressDisplay();
  const started = Date.now();
  try {
    const built = await build((progress) => display.update(progress));
    display.stop(true);
    return { built, seconds: ((Date.now() - started) / 1000).toFixed(1) };
  } catch (error) {
    display.stop(false);
    throw error;
  }
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface ProgramOptions {
  /** The factory the commands use; default: the one the configuration makes (the Docker engine), made once. */
  builder?: () => FactoryImageBuilder;
}

export function createProgram(
  io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
  options: ProgramOptions = {},
): Command {
  const getBuilder = options.builder ?? defaultBuilder;
  const program = new Command('codering')
    .description('The codering image factory: runtimes, Dockerfiles, builds, image registry')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    // Before the subcommands are added, so that they inherit it: errors come back to main().
    .exitOverride();

  program
    .command('runtimes')
    .description('list the catalogue: languages, versions (Debian suite), aliases')
    .action(() => {
      const rows = loadCatalogue().runtimes.map((runtime) => [
        runtime.language,
        runtime.versions.map((v) => `${v.version} (${v.suite})`).join(', '),
        runtime.aliases.join(', '),
        runtime.libraries,
      ]);
      io.out(`${formatTable(['LANGUAGE', 'VERSIONS', 'ALIASES', 'LIBRARIES'], rows)}\n`);
    });

  program
    .command('resolve')
    .description('resolve a request such as python@^3.10 to one version of the catalogue, and its image if built')
    .argument('<spec>', 'language[@version or range], e.g. python@3.11, node@^20, js')
    .option('--lib <spec>', 'a library (repeatable): lodash@4, requests==2.31.0, apt:jq', collect, [])
    .action(async (spec: string, options: { lib: string[] }) => {
      const resolved = resolveRuntime(loadCatalogue(), spec);
      const rows: Array<[string, string]> = [
        ['runtime', resolved.id],
        ['suite', resolved.entry.suite],
        ['packages', resolved.entry.packages.join(' ')],
        ['upstream', resolved.entry.upstreamImage],
      ];
      try {
        const found = await getBuilder().findImage({ runtime: spec, libraries: options.lib });
        rows.push(['image', found ? `${found.reference}${found.digest ? `@${found.digest}` : ''}` : 'not built yet']);
      } catch (error) {
        if (exitCodeOf(error) === 2) throw error;
        rows.push(['image', `unknown (${isCoderingError(error) ? error.code : 'error'}: ${(error as Error).message})`]);
      }
      io.out(`${rows.map(([key, value]) => `${key.padEnd(9)} ${value}`).join('\n')}\n`);
    });

  program
    .command('render')
    .description('print the Dockerfile the factory would build (no build)')
    .argument('<spec>', 'language[@version or range]')
    .option('--lib <spec>', 'a library (repeatable)', collect, [])
    .addOption(new Option('--tier <tier>', 'which tier of the chain (default: the last)').argParser(choice(TIERS)))
    // The option's first name, kept (hidden) so that scripts written against it go on working.
    .addOption(new Option('--layer <tier>').argParser(choice(TIERS)).hideHelp())
    .addOption(new Option('--target <target>', 'local image, or its Nuclio function image').argParser(choice(TARGETS)).default('local'))
    .addOption(new Option('--from <from>', 'runtime FROM the Debian base, or FROM the upstream image').argParser(choice(['debian', 'upstream'] as const)).default('debian'))
    .option('--out <dir>', 'write the build context (Dockerfile and files) to this folder')
    .action(
      async (
        spec: string,
        options: { lib: string[]; tier?: RenderTier; layer?: RenderTier; target: Target; from: 'debian' | 'upstream'; out?: string },
      ) => {
        const plan = await getBuilder().planImage({ runtime: spec, libraries: options.lib }, { from: options.from, target: options.target });
        const chosen = chooseTier(plan, options);
        const { rendered } = chosen;
        if (options.out) writeContext(options.out, rendered, io);
        io.out(rendered.dockerfile);
        for (const file of rendered.files.filter((f) => f.name.endsWith('.sh') && rendered.tier === 'nuclio')) {
          io.out(`\n# ---- ${file.name} ----\n${file.content.toString()}`);
        }
        const tag = chosen.reference ?? `${rendered.repository}:${rendered.tagPrefix}-<unbuilt parent>`;
        io.err(`# ${rendered.tier} image: ${tag}${chosen.present ? ' (present)' : ''}\n`);
      },
    );

  program
    .command('build')
    .description(
      "build (unless cached) and push the image of a runtime, with an exercise's libraries, or (--target nuclio) its Nuclio function image; --all: every version of the catalogue",
    )
    .argument('[spec]', 'language[@version or range]')
    .option('--lib <spec>', 'a library (repeatable)', collect, [])
    .option('--all', 'every version of the catalogue, one after the other (CI and `CODERING_PREBUILD=all` machines)')
    .option('--no-push', 'build locally only, push nothing')
    .addOption(
      new Option('--target <target>', "the local image, or the Nuclio function image of it (its processor comes from quay.io)")
        .argParser(choice(TARGETS))
        .default('local'),
    )
    .action(async (spec: string | undefined, options: { lib: string[]; push: boolean; all?: boolean; target: Target }) => {
      if ((spec === undefined) === (options.all !== true)) throw new CoderingError('invalid_request', 'name one runtime spec, or --all (not both)', {});
      if (options.all === true && options.lib.length > 0) throw new CoderingError('invalid_request', '--lib builds one exercise image: name its runtime, not --all', {});
      const factory = getBuilder();
      const specs = spec !== undefined ? [spec] : everyVersion(factory.catalogue).map((version) => version.spec);
      const ensure = options.target === 'nuclio' ? factory.ensureNuclioImage.bind(factory) : factory.ensureImage.bind(factory);
      for (const [index, one] of specs.entries()) {
        const { built, seconds } = await withBuildProgress((onProgress) =>
          ensure({ runtime: one, libraries: options.lib }, onProgress, { push: options.push }),
        );
        const counter = specs.length > 1 ? ` (${index + 1}/${specs.length})` : '';
        const what = `${built.runtimeId}${built.libraries.length ? ` + ${built.libraries.join(' ')}` : ''}${options.target === 'nuclio' ? ' (Nuclio function image)' : ''}`;
        io.err(`${built.cached ? 'cached' : 'built'} ${what} in ${seconds} s${counter}\n`);
        io.out(`${built.reference}${built.digest ? `@${built.digest}` : ''}\n`);
      }
    });

  program
    .command('api-image')
    .description("build (unless cached) and push the registry API's own image, codering/api")
    .option('--no-push', 'build locally only, push nothing')
    .option('--render', 'print the Dockerfile and the tag it would get, build nothing')
    .option('--out <dir>', 'with --render: write the build context (Dockerfile and files) to this folder')
    .action(async (options: { push: boolean; render?: boolean; out?: string }) => {
      if (options.render) {
        const planned = await getBuilder().planApiImage();
        if (options.out) writeContext(options.out, planned.rendered, io);
        io.out(planned.rendered.dockerfile);
        const tag = planned.reference ?? `${planned.rendered.repository}:${planned.rendered.tagPrefix}-<no root image yet>`;
        io.err(`# api image: ${tag}${planned.present ? ' (present)' : ''}, ${planned.rendered.files.length} context files\n`);
        return;
      }
      const { built, seconds } = await withBuildProgress((onProgress) => getBuilder().ensureApiImage(onProgress, { push: options.push }));
      io.err(`${built.cached ? 'cached' : 'built'} ${built.local} in ${seconds} s\n`);
      io.out(`${built.reference}${built.digest ? `@${built.digest}` : ''}\n`);
    });

  program
    .command('prune')
    .description('remove older images the factory built (newest kept per base, runtime, exercise)')
    .option('--dry-run', 'only list what would be removed')
    .action(async (options: { dryRun?: boolean }) => {
      const report = await pruneStaleImages(createImageEngine(), { dryRun: options.dryRun === true });
      for (const tag of report.removed) io.out(`${options.dryRun ? 'would remove' : 'removed'} ${tag}\n`);
      for (const tag of report.inUse) io.out(`kept (in use) ${tag}\n`);
      io.out(`${report.removed.length} ${options.dryRun ? 'to remove' : 'removed'}, ${report.kept} current images kept\n`);
    });

  program
    .command('images')
    .description('list the image registry: repositories, tags, digests')
    .action(async () => {
      const imageRegistry = createImageRegistryClient();
      const rows: string[][] = [];
      for (const { name, tags } of await imageRegistry.listImages()) {
        if (tags.length === 0) rows.push([name, '(no tags)', '']);
        const digests = await Promise.all(tags.map((tag) => imageRegistry.manifestDigest(name, tag)));
        tags.forEach((tag, index) => rows.push([name, tag, digests[index] ?? '']));
      }
      io.out(`registry ${factoryConfig().registry}\n${formatTable(['REPOSITORY', 'TAG', 'DIGEST'], rows)}\n`);
    });

  addConfigCommand(program, io.out);
  addKeysCommand(program, io.out, io.err);
  return program;
}

/** Writes a rendered image's build context to a folder, its sub-folders (proxy/, api/…) included. */
function writeContext(out: string, rendered: PlannedImage['rendered'], io: Io): void {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'Dockerfile'), rendered.dockerfile);
  for (const file of rendered.files) {
    fs.mkdirSync(path.dirname(path.join(out, file.name)), { recursive: true });
    fs.writeFileSync(path.join(out, file.name), file.content, { mode: file.mode ?? 0o644 });
  }
  const names = ['Dockerfile', ...rendered.files.map((f) => f.name)];
  const shown = names.length > 12 ? [...names.slice(0, 12), `… ${names.length - 12} more`] : names;
  io.err(`wrote ${shown.join(', ')} to ${out}\n`);
}

function chooseTier(
  plan: PlannedImage[],
  options: { tier?: RenderTier; layer?: RenderTier; target: Target },
): PlannedImage {
  if (options.target === 'nuclio') return plan[plan.length - 1] as PlannedImage;
  const wanted = options.tier ?? options.layer;
  const chosen = wanted ? plan.find((planned) => planned.rendered.tier === wanted) : plan[plan.length - 1];
  if (!chosen) {
    const tiers = plan.map((planned) => planned.rendered.tier).join(', ');
    throw new CoderingError('invalid_request', `no ${wanted} tier in this chain (it has: ${tiers}); an exercise image needs --lib`, {
      tier: wanted,
    });
  }
  return chosen;
}

/** Runs the CLI; resolves with the exit code (never calls process.exit itself). */
export async function main(argv: string[] = process.argv, io?: Io, options?: ProgramOptions): Promise<number> {
  const program = createProgram(io, options);
  const err = io?.err ?? ((text: string) => process.stderr.write(text));
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    const commanderCode = (error as { code?: string }).code;
    if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
      // Help and version are successes; usage errors were already printed by commander.
      return commanderCode === 'commander.helpDisplayed' || commanderCode === 'commander.version' || commanderCode === 'commander.help'
        ? 0
        : 2;
    }
    err(`${describeError(error)}\n`);
    return exitCodeOf(error);
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
