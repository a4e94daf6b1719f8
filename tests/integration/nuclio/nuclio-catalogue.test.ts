/**
 * The catalogue on the cluster path: every version's smoke program, then every status a user can
 * meet on each language's latest version, sent by the API's NuclioPlatform to functions deployed as
 * the Pulumi program deploys them, each a replica of the function's real image (without Nuclio's
 * processor) in the shell-runtime harness (shell-runtime-harness.ts). The cases are the local
 * platform's (support/status-cases.ts): both platforms must answer them alike.
 *
 * The images are the catalogue test's (built once, cached by content); each function adds only its
 * nuclio target's shell-runtime stage (the handler), a second on top.
 */
import { loadCatalogue, type RuntimeDefinition } from '../../../factory/catalogue';
import { expectOutcome, memoryBombCase, outputFloodCase, statusCases, type StatusCase } from '../support';
import { NuclioCluster, type RuntimeFunction } from './runtime-functions';

// A first run on a machine builds every image of the catalogue (minutes each for java, go, rust).
jest.setTimeout(90 * 60_000);

const catalogue = loadCatalogue();

let cluster: NuclioCluster;
const timings: string[] = [];

beforeAll(async () => {
  cluster = await NuclioCluster.start();
});

afterAll(async () => {
  await cluster?.close();
  console.log(`catalogue on the Nuclio harness, run by run:\n${timings.join('\n')}`);
});

async function runCase(fn: RuntimeFunction, definition: RuntimeDefinition, statusCase: StatusCase): Promise<void> {
  const started = Date.now();
  const { files, stdin, args, limits } = statusCase;
  const result = await cluster.run(fn, { files, main: definition.main, stdin, args, limits });
  timings.push(`${fn.runtimeId.padEnd(16)} ${statusCase.label.padEnd(14)} ${result.status.padEnd(14)} ${Date.now() - started} ms`);
  expectOutcome(result, statusCase);
}

/** Each version of each language, as `language@version`. */
const versions = catalogue.runtimes.flatMap((definition) =>
  definition.versions.map((entry) => [`${definition.language}@${entry.version}`, definition] as const),
);

describe('every version of the catalogue runs its smoke program (main + helper, stdin, args)', () => {
  test.each(versions)('%s', async (spec, definition) => {
    const fn = await cluster.deploy(spec);
    try {
      expect(fn.runtimeId).toBe(spec);
      await runCase(fn, definition, statusCases(definition)[0] as StatusCase);
    } finally {
      await cluster.remove(fn);
    }
  });
});

describe.each(catalogue.runtimes.map((definition) => [definition.language, definition] as const))('%s, latest', (language, definition) => {
  let fn: RuntimeFunction;

  beforeAll(async () => {
    fn = await cluster.deploy(`${language}@latest`);
  });

  afterAll(async () => {
    if (fn) await cluster.remove(fn);
  });

  const cases = statusCases(definition).filter((statusCase) => statusCase.label !== 'smoke');
  if (language === 'python' || language === 'c') cases.push({ ...memoryBombCase(definition), title: 'a memory bomb is a memory_limit' });
  if (language === 'bash' || language === 'python') cases.push({ ...outputFloodCase(definition), title: 'an output flood is an output_limit' });

  test.each(cases.map((statusCase) => [statusCase.title, statusCase] as const))('%s', async (_title, statusCase) => {
    await runCase(fn, definition, statusCase);
  });
});
