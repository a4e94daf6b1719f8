/**
 * A `POST /v1/run` body, and its checks that depend on the operator's configuration (the JSON schema
 * checks shapes; this checks sizes, names and limits). All of it runs before any worker is leased.
 */

import { CoderingError } from '../../errors';
import type { CoderingConfig } from '../config';
import type { RunInput } from '../contract';
import type { RunLimits, SourceFile, WorkerRequest } from '../platform';
import { fileNameProblem } from './file-name';

/** The limits a request may set; compile wall time and file size stay the operator's. */
export type UserLimits = Pick<RunLimits, 'wallMs' | 'cpuMs' | 'memoryBytes' | 'outputBytes' | 'processes'>;

export type CheckedRun = Omit<WorkerRequest, 'requestId'>;

export type RunSizeConfig = Pick<
  CoderingConfig,
  'maxFiles' | 'maxFilesBytes' | 'maxArgs' | 'maxArgBytes' | 'maxStdinBytes' | 'maxLimits' | 'defaultLimits'
>;

/** `defaultMain` is the runtime's main file name (`main.py`). */
export function checkRunInput(input: RunInput, defaultMain: string, config: RunSizeConfig): CheckedRun {
  const files = checkFiles(input.files, config);
  const main = chooseMain(input.main, files, defaultMain);
  const stdin = checkStdin(input.stdin ?? '', '', config);
  const args = checkArgs(input.args ?? [], '', config);
  return { files, main, stdin, args, limits: checkLimits(input.limits ?? {}, config.defaultLimits, '', config) };
}

/**
 * `at` says where a value sits in the body, for the messages and details: '' for the run's own,
 * `tests/2/` for a test case's (whose messages say `tests[2].stdin`).
 */
const spoken = (at: string, name: string): string => `${at}${name}`.replace(/\/(\d+)\//g, '[$1].').replace(/\/(\d+)$/, '[$1]');

export function checkStdin(stdin: string, at: string, config: RunSizeConfig): string {
  if (Buffer.byteLength(stdin, 'utf8') > config.maxStdinBytes) {
    throw new CoderingError('invalid_request', `${spoken(at, 'stdin')} is larger than ${config.maxStdinBytes} bytes`, {
      field: `${at}stdin`,
      maximum: config.maxStdinBytes,
    });
  }
  return stdin;
}

export function checkArgs(args: string[], at: string, config: RunSizeConfig): string[] {
  if (args.length > config.maxArgs) {
    throw new CoderingError('invalid_request', `at most ${config.maxArgs} args are allowed`, {
      field: `${at}args`,
      maximum: config.maxArgs,
    });
  }
  const argBytes = args.reduce((sum, arg) => sum + Buffer.byteLength(arg, 'utf8'), 0);
  if (argBytes > config.maxArgBytes) {
    throw new CoderingError('invalid_request', `${spoken(at, 'args')} are larger than ${config.maxArgBytes} bytes together`, {
      field: `${at}args`,
      maximum: config.maxArgBytes,
    });
  }
  args.forEach((arg, index) => {
    if (arg.includes('\0')) {
      throw new CoderingError('invalid_request', `${spoken(at, `args/${index}`)} contains a NUL byte`, { field: `${at}args/${index}` });
    }
  });
  return args;
}

function checkFiles(files: SourceFile[], config: RunSizeConfig): SourceFile[] {
  if (files.length === 0) throw new CoderingError('invalid_request', 'files must not be empty', { field: 'files' });
  if (files.length > config.maxFiles) {
    throw new CoderingError('too_many_files', `at most ${config.maxFiles} files are allowed, got ${files.length}`, {
      maximum: config.maxFiles,
      count: files.length,
    });
  }
  const seen = new Set<string>();
  let bytes = 0;
  files.forEach((file, index) => {
    const problem = fileNameProblem(file.name);
    if (problem !== undefined) {
      throw new CoderingError('invalid_file_name', `files[${index}].name ${problem}`, {
        field: `files/${index}/name`,
        name: file.name,
      });
    }
    if (seen.has(file.name)) {
      throw new CoderingError('invalid_file_name', `files[${index}].name "${file.name}" is given twice`, {
        field: `files/${index}/name`,
        name: file.name,
      });
    }
    seen.add(file.name);
    bytes += Buffer.byteLength(file.content, 'utf8');
  });
  checkPathsDoNotCollide(files);
  if (bytes > config.maxFilesBytes) {
    throw new CoderingError('file_too_large', `the files total ${bytes} bytes, above ${config.maxFilesBytes}`, {
      maximum: config.maxFilesBytes,
      bytes,
    });
  }
  return files.map((file) => ({ name: file.name, content: file.content }));
}

/**
 * Files are written under one folder, so a name that is also another file's folder (`a` and `a/b`)
 * can't be both: refused here, before any worker is used, rather than found while writing.
 */
function checkPathsDoNotCollide(files: SourceFile[]): void {
  const names = new Set(files.map((file) => file.name));
  files.forEach((file, index) => {
    const segments = file.name.split('/');
    for (let depth = 1; depth < segments.length; depth += 1) {
      const folder = segments.slice(0, depth).join('/');
      if (names.has(folder)) {
        throw new CoderingError('conflicting_file_paths', `files[${index}].name "${file.name}" needs a folder "${folder}", which is also a file`, {
          field: `files/${index}/name`,
          name: file.name,
          conflictsWith: folder,
        });
      }
    }
  });
}

/** The named main, else the runtime's main file when given, else the only file. */
function chooseMain(main: string | undefined, files: SourceFile[], defaultMain: string): string {
  const names = files.map((file) => file.name);
  if (main !== undefined) {
    if (!names.includes(main)) {
      throw new CoderingError('main_not_found', `main "${main}" is not among the files`, { main, files: names });
    }
    return main;
  }
  if (names.includes(defaultMain)) return defaultMain;
  if (names.length === 1) return names[0] as string;
  throw new CoderingError(
    'main_not_found',
    `no main given and none of the files is the runtime's main file "${defaultMain}"`,
    { main: defaultMain, files: names },
  );
}

/** `base` with the limits `requested` over it, each at most the operator's maximum. */
export function checkLimits<T extends UserLimits>(requested: Partial<UserLimits>, base: T, at: string, config: RunSizeConfig): T {
  const limits: T = { ...base };
  for (const [name, value] of Object.entries(requested) as [keyof UserLimits, number | undefined][]) {
    if (value === undefined) continue;
    const maximum = config.maxLimits[name];
    if (value > maximum) {
      throw new CoderingError('limit_exceeds_maximum', `${spoken(at, 'limits')}.${name} = ${value} is above the maximum ${maximum}`, {
        limit: name,
        maximum,
        value,
      });
    }
    limits[name] = value;
  }
  return limits;
}
