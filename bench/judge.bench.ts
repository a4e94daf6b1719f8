/**
 * `npm run bench:judge`: what judging a program's test cases costs, one request vs one run per case.
 *
 * For a C program (compiled) and a Python program (prewarmed interpreter), the same 20 test cases:
 *   - one judged `POST /v1/run` with `tests` (one compile, every case on the winning worker);
 *   - the baseline: 20 separate `POST /v1/run`, one after the other (a client judging run by run);
 *   - for context: the same 20 runs, 4 in flight.
 * Through the real API in its own process (bench/run/api-process.ts), C and Python as its default
 * runtimes, warm pools of two, the race in its default mode. The three are measured in interleaved
 * rounds so that they see the same machine load; each round's judged time is divided by the same
 * round's baseline, and the table gives the median of those ratios. Every answer is checked.
 * Tables on stdout; everything in `<data dir>/bench/judge-<timestamp>.json`.
 */

import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CASES_PER_REQUEST, JUDGE_LANGUAGES, type JudgeLanguage } from './judge/judge-programs';
import { judgedRequest, judgeRound, PARALLEL, separateRuns, type JudgeRound } from './judge/judge-section';
import { ApiProcess, benchDir, elapsed, load, PLAN, runBench, summarize, writeBenchReport } from './run';
import { ensureRuntimeImage } from './run/runtime-images';
import { formatRatio, renderTable } from './run/bench-table';
import { createImageBuilder } from '../factory';

const ROUNDS = PLAN.quick ? 2 : 7;
/** C: one judged request should cost at most this share of the 20 runs it replaces. */
const C_TARGET_RATIO = 0.3;

const median = (values: number[]): number => summarize(values).p50;

function judgeTable(rounds: JudgeRound[]): string {
  const rows = JUDGE_LANGUAGES.map((language) => {
    const mine = rounds.filter((round) => round.language === language);
    const ratio = median(mine.map((round) => round.judgedMs / round.separateMs));
    const parallelRatio = median(mine.map((round) => round.judgedMs / round.separateParallelMs));
    const target = language === 'c' ? `≤ ${formatRatio(C_TARGET_RATIO)}: ${ratio <= C_TARGET_RATIO ? 'met' : 'MISSED'}` : '–';
    return [
      language,
      String(mine.length),
      median(mine.map((round) => round.judgedMs)),
      median(mine.map((round) => round.compileMs)),
      median(mine.map((round) => round.casesRunMs)),
      median(mine.map((round) => round.separateMs)),
      formatRatio(ratio),
      median(mine.map((round) => round.separateParallelMs)),
      formatRatio(parallelRatio),
      target,
    ];
  });
  return renderTable(
    `judging ${CASES_PER_REQUEST} test cases: one judged request vs ${CASES_PER_REQUEST} separate runs (medians over rounds; ratio = judged / separate, per round)`,
    ['language', 'rounds', 'judged ms', 'its compile ms', 'its cases ms', `${CASES_PER_REQUEST} runs ms`, 'ratio', `${CASES_PER_REQUEST} runs, ${PARALLEL} at once ms`, 'ratio', 'target'],
    rows,
  );
}

runBench('judge', PLAN.quick, async ({ startedAt, since, conditions, cleanups }) => {
  const builder = createImageBuilder();
  for (const language of JUDGE_LANGUAGES) {
    const image = await ensureRuntimeImage(builder, `${language}@latest`);
    console.log(`  ${image.runtimeId.padEnd(16)} ${image.reference}${image.cached ? '' : ' (built now)'}`);
  }
  // the API warms what it serves: both runtimes, as its defaults
  process.env.CODERING_DEFAULT_RUNTIMES = JUDGE_LANGUAGES.map((language) => `${language}@latest`).join(',');
  const api = await ApiProcess.start(path.join(benchDir(), `judge-api-${startedAt.toISOString().replace(/[:.]/g, '-')}.log`));
  cleanups.push('API process', () => api.stop());
  const readyMs = await api.waitReady(PLAN.readyTimeoutMs);
  console.log(`\n[${elapsed(since)}] API ready at ${api.baseUrl} (pid ${api.pid}) after ${readyMs} ms; log: ${path.relative(process.cwd(), api.logFile)}`);

  console.log(`[${elapsed(since)}] warm-up${load()}`);
  for (const language of JUDGE_LANGUAGES) {
    await judgedRequest(api.baseUrl, language);
    await separateRuns(api.baseUrl, language, 1);
  }

  const rounds: JudgeRound[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    console.log(`[${elapsed(since)}] round ${round} of ${ROUNDS}${load()}`);
    // the languages alternate which goes first, so that neither always follows the other's load
    const order: JudgeLanguage[] = round % 2 === 1 ? [...JUDGE_LANGUAGES] : [...JUDGE_LANGUAGES].reverse();
    for (const language of order) rounds.push(await judgeRound(api.baseUrl, language));
  }
  console.log(judgeTable(rounds));

  const file = writeBenchReport(
    startedAt,
    { conditions: { ...conditions, loadAverageAtEnd: os.loadavg(), durationS: (performance.now() - since) / 1000 }, rounds },
    'judge',
  );
  console.log(`\n[${elapsed(since)}] report: ${path.relative(process.cwd(), file)}`);
  return false;
});
