/**
 * Every language of the catalogue really runs users' code, through the real API: the latest version
 * of each is built (once; cached by content afterwards), warmed, and sent its own smoke program (a
 * main file and a helper it imports, stdin, args), then real programs that end in each status a user
 * can meet: a compiler's error, a non-zero exit, a timeout, a memory bomb, an output flood.
 *
 * The smoke cases come from the catalogue itself; the failing programs are written per language in
 * support/status-cases.ts (the Nuclio harness runs the same cases), and a language of the catalogue
 * without them fails this file, so that a new language is never silently left out.
 */
import { loadCatalogue, type RuntimeDefinition } from '../../../factory/catalogue';
import {
  expectOutcome,
  FAILING_PROGRAMS,
  LOOP_WALL_MS,
  memoryBombCase,
  outputFloodCase,
  startLiveApi,
  statusCases,
  type LiveApi,
  type RunBody,
  type StatusCase,
} from '../support';

// The first run builds every image not built yet, one after the other (java, go and rust take
// minutes each on a 2-core machine); later runs find them cached.
jest.setTimeout(90 * 60_000);

const catalogue = loadCatalogue();
const runtimes = catalogue.runtimes;
const latest = (definition: RuntimeDefinition): string => `${definition.language}@latest`;

let api: LiveApi;
const timings: string[] = [];

/** Runs one program of `definition`'s language as its main file; records what it cost. */
async function run(definition: RuntimeDefinition, label: string, body: Record<string, unknown>): Promise<RunBody> {
  const { status, body: answer } = await api.run({ runtime: latest(definition), mode: 'single', ...body });
  timings.push(`${definition.language.padEnd(7)} ${label.padEnd(14)} ${answer.status?.padEnd(14) ?? '-'} ${answer.timings?.totalMs ?? '-'} ms`);
  // The whole answer on failure: a wrong status is explained by stderr, compile or error.
  if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** Runs one case through the API and checks its answer; the API's own fields are the caller's. */
async function runCase(definition: RuntimeDefinition, statusCase: StatusCase): Promise<RunBody> {
  const { files, stdin, args, limits } = statusCase;
  const answer = await run(definition, statusCase.label, { files, ...(stdin === undefined ? {} : { stdin }), ...(args === undefined ? {} : { args }), ...(limits === undefined ? {} : { limits }) });
  expectOutcome(answer, statusCase);
  return answer;
}

beforeAll(async () => {
  const started = Date.now();
  // One warm worker per runtime (the 2-core machine runs them all); runs are `single`, so one each
  // is enough, plus room for a worker that is replaced after a memory bomb.
  api = await startLiveApi({ runtimes: runtimes.map(latest), warmFloor: 1, maxWorkers: runtimes.length + 4 });
  timings.push(`start-up (builds + warm pools): ${Math.round((Date.now() - started) / 1000)} s`);
});

afterAll(async () => {
  await api?.close();
  // The cost of each run, for whoever tunes the runtimes.
  console.log(`catalogue runtimes, run by run:\n${timings.join('\n')}`);
});

test('every language of the catalogue has its failing programs here, and every runtime is warm', async () => {
  expect(runtimes.map((definition) => definition.language).filter((language) => FAILING_PROGRAMS[language] === undefined)).toEqual([]);
  for (const definition of runtimes) {
    expect({ language: definition.language, syntaxError: FAILING_PROGRAMS[definition.language]?.syntaxError !== undefined }).toEqual({
      language: definition.language,
      syntaxError: definition.compiled,
    });
  }
  const ready = await fetch(`${api.base}/readyz`);
  expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready' } });
});

describe.each(runtimes.map((definition) => [definition.language, definition] as const))('%s', (_language, definition) => {
  test.each(statusCases(definition).map((statusCase) => [statusCase.title, statusCase] as const))('%s', async (_title, statusCase) => {
    const answer = await runCase(definition, statusCase);
    // what the API adds: the version that ran, and a total that covers the run
    if (statusCase.label === 'smoke') expect(answer.runtime.id).toBe(`${definition.language}@${definition.versions[0]?.version}`);
    if (statusCase.label === 'infinite loop') expect(answer.timings.totalMs).toBeGreaterThanOrEqual(LOOP_WALL_MS);
  });
});

const byLanguage = (language: string): RuntimeDefinition => {
  const definition = catalogue.find(language);
  if (definition === undefined) throw new Error(`${language} is not in the catalogue`);
  return definition;
};

describe('memory bombs are a memory_limit', () => {
  test.each(['python', 'c'])('%s', async (language) => {
    await runCase(byLanguage(language), memoryBombCase(byLanguage(language)));
  });
});

describe('output floods are an output_limit, cut at limits.outputBytes', () => {
  test.each(['bash', 'python'])('%s', async (language) => {
    await runCase(byLanguage(language), outputFloodCase(byLanguage(language)));
  });
});
