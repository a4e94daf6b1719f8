export { handleError, handleNotFound, toCoderingError } from './error-handler';
export { requestIdFor, REQUEST_ID_HEADER } from './request-id';
