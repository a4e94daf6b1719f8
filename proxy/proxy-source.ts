import path from 'node:path';

/** The proxy's C source, copied into the base image's build context and compiled there. */
export const PROXY_SOURCE_PATH = path.join(__dirname, 'c', 'codering-proxy.c');
