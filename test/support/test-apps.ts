import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';
import Koa from 'koa';
import { useExpressServer, useKoaServer, type RoutingControllersOptions } from 'routing-controllers';

import { AuthMiddleware, authorizationChecker, currentUserChecker, ExpressAuthErrorHandler } from '../../src/index.js';
import { ExpressStateController, KoaStateController, NestedRolesController, TestController } from './test-controllers.js';

/** A test application listening on loopback. */
export interface RunningApp {
  baseUrl: string;
  close(): Promise<void>;
}

/** Builds a test application for one adapter; `withMiddleware` adds the global `AuthMiddleware`. */
export type AppFactory = (withMiddleware: boolean) => Promise<RunningApp>;

function routingOptions(withMiddleware: boolean, stateController: new () => object): RoutingControllersOptions {
  return {
    controllers: [TestController, NestedRolesController, stateController],
    // An explicit list, so that routing-controllers does not load every imported middleware.
    middlewares: withMiddleware ? [AuthMiddleware, ExpressAuthErrorHandler] : [ExpressAuthErrorHandler],
    authorizationChecker,
    currentUserChecker,
    development: false,
  };
}

export const startKoaApp: AppFactory = async (withMiddleware) => {
  const app = new Koa();
  useKoaServer(app, routingOptions(withMiddleware, KoaStateController));
  return listen(app.callback());
};

export const startExpressApp: AppFactory = async (withMiddleware) => {
  const app = express();
  // Express's final handler logs every error routing-controllers passes on, except in the test environment.
  app.set('env', 'test');
  useExpressServer(app, routingOptions(withMiddleware, ExpressStateController));
  return listen(app as unknown as RequestListener);
};

function listen(handler: RequestListener): Promise<RunningApp> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        baseUrl: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
