import { getMetadataArgsStorage } from 'routing-controllers';

import { requiredRoleNames } from '../adapters/oidc-auth.js';

type MetadataArgsStorage = ReturnType<typeof getMetadataArgsStorage>;
type ActionMetadataArgs = MetadataArgsStorage['actions'][number];
type ResponseHandlerMetadataArgs = MetadataArgsStorage['responseHandlers'][number];

/**
 * The role names each `@Authorized` action needs, found two ways: by the operationId that
 * routing-controllers-openapi gives it by default (`ClassName.methodName`), and by its HTTP method
 * and OpenAPI path (`get /orders/{id}`), for operations whose operationId was changed.
 *
 * @example
 * const actions = authorizedActions('/api');
 * actions.byOperationId.get('OrderController.list'); // ['admin', 'clerk']
 * actions.byRoute.get('get /api/orders'); // ['admin', 'clerk']
 */
export interface AuthorizedActions {
  byOperationId: Map<string, string[]>;
  byRoute: Map<string, string[]>;
}

/**
 * Reads routing-controllers' metadata storage and returns every action that `@Authorized` marks on
 * its method or its controller, with the union of the role names those declarations list (the
 * library's `RoleRequirement` roles and plain strings). `@Authorized()` gives an empty list, and so
 * does a checker class, whose roles are not known.
 *
 * @example
 * authorizedActions().byOperationId.get('OrderController.list'); // ['admin', 'clerk']
 */
export function authorizedActions(routePrefix = ''): AuthorizedActions {
  const storage = getMetadataArgsStorage();
  const handlers = storage.responseHandlers.filter((handler) => handler.type === 'authorized');
  const result: AuthorizedActions = { byOperationId: new Map(), byRoute: new Map() };
  for (const action of storage.actions) {
    const declarations = declarationsFor(handlers, action);
    if (declarations.length === 0) {
      continue;
    }
    const roles = roleNames(declarations);
    result.byOperationId.set(`${action.target.name}.${action.method}`, roles);
    const controller = storage.controllers.find((candidate) => candidate.target === action.target);
    const path = openApiPath([routePrefix, controller?.route, action.route]);
    if (path !== undefined) {
      result.byRoute.set(routeKey(action.type, path), roles);
    }
  }
  return result;
}

/** Returns the key of {@link AuthorizedActions.byRoute} for an HTTP method and an OpenAPI path. */
export function routeKey(method: string, path: string): string {
  return `${method.toLowerCase()} ${path}`;
}

// The controller's declarations (those without a method) first, then the action's own.
function declarationsFor(handlers: readonly ResponseHandlerMetadataArgs[], action: ActionMetadataArgs): ResponseHandlerMetadataArgs[] {
  const ofClass = handlers.filter((handler) => handler.target === action.target);
  const ofController = ofClass.filter((handler) => handler.method === undefined);
  return [...ofController, ...ofClass.filter((handler) => handler.method === action.method)];
}

function roleNames(declarations: readonly ResponseHandlerMetadataArgs[]): string[] {
  const names = declarations.flatMap((handler) => requiredRoleNames(asList(handler.value)));
  return [...new Set(names)];
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

// Joins the route parts and writes Express parameters as OpenAPI ones, as routing-controllers-openapi
// does: `:id` and `:id(\\d+)` become `{id}`. A route given as a regular expression has no path here.
function openApiPath(parts: ReadonlyArray<string | RegExp | undefined>): string | undefined {
  if (parts.some((part) => part instanceof RegExp)) {
    return undefined;
  }
  const expressPath = parts.filter((part): part is string => typeof part === 'string').join('');
  return expressPath.replace(/:([A-Za-z0-9_]+)(\((?:[^()\\]|\\.)*\))?[?*+]?/g, '{$1}');
}
