/**
 * What streamed runs share between their two routes (server-sent events, WebSocket): the program's
 * bytes as text chunks, the event stream, the client's messages.
 */
export { EventStream, serverSentEvent } from './event-stream';
export { OutputChunks, type StreamChunk } from './output-chunks';
export { completeLength, OutputText, type OutputTextChunk } from './output-text';
export { parseRunMessage, parseStdinMessage, type StdinInput } from './socket-messages';
