/** Comparing a test case's stdout with the expected one, in each mode, and the verdict that follows. */
import { outputsMatch, verdictOf } from '../../../registry-api/executor/verdict';

describe('exact: byte for byte', () => {
  test.each([
    ['3\n', '3\n', true],
    ['3', '3\n', false],
    ['3 \n', '3\n', false],
    ['a\r\nb\n', 'a\nb\n', false],
    ['', '', true],
    [' 3\n', '3\n', false],
  ])('%j against %j: %s', (actual, expected, match) => {
    expect(outputsMatch(actual, expected, 'exact')).toBe(match);
  });
});

describe("trim: each line's trailing whitespace and the trailing blank lines ignored", () => {
  test.each([
    ['3\n', '3', true],
    ['3', '3\n\n\n', true],
    ['1 2 \n3\t\n', '1 2\n3\n', true],
    ['a\r\nb\r\n', 'a\nb', true], // Windows line ends
    ['3\n\n', '3\n', true],
    ['', '\n\n', true],
    [' 3\n', '3\n', false], // leading whitespace counts
    ['1 2\n', '1  2\n', false], // so does whitespace inside a line
    ['a\n\nb\n', 'a\nb\n', false], // and a blank line before the end
    ['\n3\n', '3\n', false], // and one at the start
    ['3\n4\n', '3\n', false],
  ])('%j against %j: %s', (actual, expected, match) => {
    expect(outputsMatch(actual, expected, 'trim')).toBe(match);
  });
});

describe('tokens: the whitespace-separated tokens are equal', () => {
  test.each([
    ['1 2 3\n', '1\n2\n3', true],
    ['  1\t2   3  ', '1 2 3', true],
    ['', '  \n', true],
    ['1 2 3', '1 2', false],
    ['1 2', '2 1', false],
    ['1,2', '1 2', false],
    ['3.0', '3', false], // tokens are text, not numbers
  ])('%j against %j: %s', (actual, expected, match) => {
    expect(outputsMatch(actual, expected, 'tokens')).toBe(match);
  });
});

describe('the verdict', () => {
  test('a case that ended ok passes when its stdout matches, fails when it does not', () => {
    expect(verdictOf('ok', '3\n', '3', 'trim')).toBe('passed');
    expect(verdictOf('ok', '4\n', '3', 'trim')).toBe('failed');
    expect(verdictOf('ok', '3\n', '3', 'exact')).toBe('failed');
  });

  test('with nothing expected, ending ok is passing', () => {
    expect(verdictOf('ok', 'anything', undefined, 'exact')).toBe('passed');
  });

  test.each(['runtime_error', 'timeout', 'memory_limit', 'output_limit'] as const)('a case that ended %s gets that verdict, whatever its stdout', (status) => {
    expect(verdictOf(status, '3\n', '3\n', 'trim')).toBe(status);
    expect(verdictOf(status, '', undefined, 'trim')).toBe(status);
  });
});
