export { describeFailure, handleError, handleNotFound, toCoderingError, type FailureAnswer } from './error-handler';
export { requestIdFor, REQUEST_ID_HEADER } from './request-id';
