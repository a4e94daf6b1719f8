export { buildFailure, FakeBuilder } from './fake-builder';
export { FakePlatform, okResult, type LeaseRecord, type WorkerScript } from './fake-platform';
export { captureLog, type LogCapture, type LogLine } from './log-capture';
export { contractErrors, publishedRunAnswer } from './published-run-answer';
export { bearer, hello, makeTestApp, type TestApp } from './test-app';
export { testCatalogue } from './test-catalogue';
export { waitUntil } from './wait-until';
