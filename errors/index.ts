export { CoderingError, ERROR_CATALOGUE, isCoderingError } from './codering-error';
export type { ErrorCode, ErrorKind } from './codering-error';
