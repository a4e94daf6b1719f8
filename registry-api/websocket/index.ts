/**
 * WebSocket for `GET /v1/run/ws`: the connection the run session speaks through (over `ws`; the
 * server's side comes from @fastify/websocket, registered in app.ts), and a client for Node callers.
 */
export { CLOSE_CODE, WebSocketConnection, type WebSocketMessage } from './websocket-connection';
export { connectWebSocket, WebSocketRefused, type ClientConnection, type ConnectOptions } from './websocket-client';
