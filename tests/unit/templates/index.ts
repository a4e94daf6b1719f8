// Runtime definitions shared by the template, builder and tag tests.
export { C, GO, NODE, PHP, PROXY_SOURCES, PYTHON, RUBY, resolved, TEST_CATALOGUE } from './runtime-fixtures';
