/**
 * The Pulumi program's entry point (`main` in Pulumi.yaml): reads the stack's configuration and
 * deploys. Its exports are the stack outputs.
 */

import * as path from 'node:path';
import { deployCodering } from './codering-stack';
import { readInfraConfig } from './infra-config';

const stack = deployCodering(readInfraConfig(), path.resolve(__dirname, '..'));

export const registryServer = stack.registryServer;
export const images = stack.images;
export const apiImage = stack.apiImage;
export const functions = stack.functions;
export const dashboardUrl = stack.dashboardUrl;
export const apiUrl = stack.apiUrl;
