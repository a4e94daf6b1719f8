/**
 * What the judge bench judges: one small program per language that reads a number and prints its
 * double, and 20 test cases for it. The programs are as small as a program gets on purpose: the
 * bench measures what judging costs beyond the program (a compile, a worker's start of each case),
 * not what the program computes.
 */

export type JudgeLanguage = 'c' | 'python';

export const JUDGE_LANGUAGES: readonly JudgeLanguage[] = ['c', 'python'];

/** Test cases a judged request carries, and the separate runs it is compared with. */
export const CASES_PER_REQUEST = 20;
/** Each case's wall limit: 20 of them add up to the default CODERING_MAX_WALL_MS (20 s), the most a judged run may take. */
export const CASE_WALL_MS = 1000;

export interface JudgeProgram {
  language: JudgeLanguage;
  main: string;
  source: string;
}

export const JUDGE_PROGRAMS: Record<JudgeLanguage, JudgeProgram> = {
  c: {
    language: 'c',
    main: 'main.c',
    source: '#include <stdio.h>\nint main(void) {\n  long n;\n  if (scanf("%ld", &n) != 1) return 2;\n  printf("%ld\\n", 2 * n);\n  return 0;\n}\n',
  },
  python: { language: 'python', main: 'main.py', source: 'print(2 * int(input()))\n' },
};

export interface JudgeCase {
  stdin: string;
  expectedStdout: string;
}

export const JUDGE_CASES: readonly JudgeCase[] = Array.from({ length: CASES_PER_REQUEST }, (_, index) => {
  const n = index * 37 - 100;
  return { stdin: `${n}\n`, expectedStdout: `${2 * n}\n` };
});
