/**
 * What streamed runs share between their two routes (server-sent events, WebSocket): the program's
 * bytes as text chunks, the event stream, the client's messages.
 */
export { EventStream, serverSentEvent } from './event-stream';
export { completeLength, OutputText } from './output-text';
export { parseRunMessage, parseStdinMessage, type StdinInput } from './socket-messages';
