/**
 * WebSocket (RFC 6455) for `GET /v1/run/ws`, of our own: the frames, a connection, the handshake,
 * upgrades routed through fastify, and a client for Node callers.
 */
export { CLOSE_CODE, encodeFrame, FrameDecoder, OPCODE, WebSocketProtocolError, type Frame } from './websocket-frames';
export { ABNORMAL_CLOSURE, WebSocketConnection, type WebSocketConnectionOptions, type WebSocketMessage } from './websocket-connection';
export { acceptKey, handshakeProblem, offeredProtocols, switchingProtocols } from './websocket-handshake';
export { WebSocketUpgrades, type AcceptOptions } from './websocket-upgrades';
export { connectWebSocket, WebSocketRefused, type ClientConnection, type ConnectOptions } from './websocket-client';
