import { expect } from 'chai';
import { Authorized as PlainAuthorized, Get, getMetadataArgsStorage, JsonController, MetadataArgsStorage, Param, Post } from 'routing-controllers';
import { OpenAPI, routingControllersToSpec } from 'routing-controllers-openapi';
import { Container } from 'typedi';

import { addOidcSecurity, Authorized, configureOidcAuth, OIDC_AUTH, type OpenApiDocument } from '../src/index.js';
import { TestIssuer } from './support/test-issuer.js';

type Json = Record<string, unknown>;

@JsonController('/shop/orders')
class ShopOrderController {
  @Get()
  @PlainAuthorized(['admin', 'clerk'])
  list(): Json {
    return {};
  }

  @Get('/:id')
  @Authorized()
  show(@Param('id') id: string): Json {
    return { id };
  }

  @Get('/export')
  @Authorized('orders.export', { rolesKey: 'scope', delimiter: ' ' })
  exportAll(): Json {
    return {};
  }

  @Post('/quote')
  quote(): Json {
    return {};
  }
}

@JsonController('/shop/reports')
@PlainAuthorized('staff')
class ShopReportController {
  @Get()
  list(): Json {
    return {};
  }

  @Get('/audit')
  @Authorized(['auditor', 'admin'], { rolesKey: 'permissions', match: 'all' })
  audit(): Json {
    return {};
  }
}

@JsonController('/shop')
class ShopPublicController {
  @Get('/health')
  health(): Json {
    return {};
  }

  @Get('/docs/openapi.json')
  docs(): Json {
    return {};
  }

  @Get('/profile')
  profile(): Json {
    return {};
  }
}

@JsonController('/shop/renamed')
class ShopRenamedController {
  @Get('/:id(\\d+)')
  @OpenAPI({ operationId: 'fetchRenamed' })
  @Authorized(['admin'])
  fetchOne(@Param('id') id: string): Json {
    return { id };
  }
}

const CONTROLLERS: unknown[] = [ShopOrderController, ShopReportController, ShopPublicController, ShopRenamedController];
const KEYCLOAK_URL = 'https://sso.example.com/realms/staff/.well-known/openid-configuration';

// A storage with this file's controllers only, so that controllers other test files import stay out of the spec.
function storageOfControllers(): MetadataArgsStorage {
  const all = getMetadataArgsStorage();
  const storage = new MetadataArgsStorage();
  const ours = (target: unknown): boolean => CONTROLLERS.includes(target);
  storage.controllers.push(...all.controllers.filter((entry) => ours(entry.target)));
  storage.actions.push(...all.actions.filter((entry) => ours(entry.target)));
  storage.params.push(...all.params.filter((entry) => ours(entry.object.constructor)));
  storage.responseHandlers.push(...all.responseHandlers.filter((entry) => ours(entry.target)));
  return storage;
}

type Spec = ReturnType<typeof routingControllersToSpec>;

function buildSpec(routePrefix?: string): Spec {
  const info = { title: 'Shop API', version: '1.0.0' };
  return routingControllersToSpec(storageOfControllers(), { routePrefix }, { info });
}

function operation(spec: OpenApiDocument, path: string, method: string): Json {
  const item = (spec.paths as Record<string, Json | undefined>)[path];
  const found = item?.[method];
  expect(found, `${method.toUpperCase()} ${path} in the spec`).to.be.an('object');
  return found as Json;
}

function securitySchemes(spec: OpenApiDocument): Record<string, Json> {
  return (spec.components as { securitySchemes: Record<string, Json> }).securitySchemes;
}

// Checks the parts of OpenAPI 3.0 that the helper writes or must leave valid.
function expectWellFormed(spec: Spec): void {
  expect(spec.openapi).to.match(/^3\.\d+\.\d+$/);
  expect(spec.info).to.deep.include({ title: 'Shop API', version: '1.0.0' });
  expect(JSON.parse(JSON.stringify(spec))).to.deep.equal(spec);
  const schemes = securitySchemes(spec);
  for (const [name, scheme] of Object.entries(schemes)) {
    expect(name).to.match(/^[a-zA-Z0-9._-]+$/);
    expect(scheme.type).to.equal('openIdConnect');
    expect(() => new URL(scheme.openIdConnectUrl as string)).not.to.throw();
  }
  for (const [path, item] of Object.entries(spec.paths as Record<string, Json>)) {
    expect(path.startsWith('/'), path).to.equal(true);
    for (const [method, value] of Object.entries(item)) {
      const candidate = value as Json;
      expect(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']).to.include(method);
      expect(candidate.responses, `${method} ${path} responses`).to.be.an('object');
      expectSecurityWellFormed(candidate.security, schemes);
    }
  }
}

function expectSecurityWellFormed(security: unknown, schemes: Record<string, Json>): void {
  if (security === undefined) {
    return;
  }
  expect(security).to.be.an('array');
  for (const requirement of security as Json[]) {
    for (const [name, scopes] of Object.entries(requirement)) {
      expect(schemes, `scheme ${name}`).to.have.property(name);
      expect(scopes).to.be.an('array');
      (scopes as unknown[]).forEach((scope) => expect(scope).to.be.a('string'));
    }
  }
}

describe('addOidcSecurity', function () {
  let issuers: TestIssuer[];
  let names: string[];

  before(async function () {
    issuers = await Promise.all([TestIssuer.start(), TestIssuer.start()]);
    configureOidcAuth({
      providers: [
        { oidcUrls: [issuers[0].discoveryUrl], audiences: ['api://shop'] },
        { oidcUrls: [issuers[1].discoveryUrl], audiences: ['api://shop'], rolesKey: 'groups' },
      ],
    });
    names = issuers.map((issuer) => `127.0.0.1_${new URL(issuer.issuer).port}`);
  });

  after(async function () {
    await Promise.all(issuers.map((issuer) => issuer.close()));
  });

  it('declares one scheme per provider', function () {
    const spec = addOidcSecurity(buildSpec());

    expect(securitySchemes(spec)).to.deep.equal({
      [names[0]]: { type: 'openIdConnect', openIdConnectUrl: issuers[0].discoveryUrl },
      [names[1]]: { type: 'openIdConnect', openIdConnectUrl: issuers[1].discoveryUrl },
    });
    expect(issuers[0].requests).to.deep.equal([]);
    expect(issuers[1].requests).to.deep.equal([]);
  });

  it('marks protected operations with roles', function () {
    const spec = addOidcSecurity(buildSpec());
    const cases: Array<[string, string, string[]]> = [
      ['/shop/orders', 'get', ['admin', 'clerk']],
      ['/shop/orders/{id}', 'get', []],
      ['/shop/orders/export', 'get', ['orders.export']],
      ['/shop/reports', 'get', ['staff']],
      ['/shop/reports/audit', 'get', ['staff', 'auditor', 'admin']],
      ['/shop/renamed/{id}', 'get', ['admin']],
    ];

    for (const [path, method, roles] of cases) {
      const security = operation(spec, path, method).security;
      expect(security, `${method} ${path}`).to.deep.equal([{ [names[0]]: roles }, { [names[1]]: roles }]);
    }
  });

  it('leaves public operations untouched', function () {
    const original = buildSpec();
    const spec = addOidcSecurity(original);

    for (const [path, method] of [['/shop/orders/quote', 'post'], ['/shop/health', 'get'], ['/shop/profile', 'get']]) {
      expect(operation(spec, path, method), `${method} ${path}`).to.deep.equal(operation(original, path, method));
      expect(operation(spec, path, method)).not.to.have.property('security');
    }
  });

  it('keeps the output a valid OpenAPI 3 document', function () {
    const spec: Spec = addOidcSecurity(buildSpec());

    expectWellFormed(spec);
    expect(spec.openapi).to.equal('3.0.0');
    expect(Object.keys(spec.paths as Json)).to.have.length(10);
    expect((spec.components as Json).schemas).to.deep.equal({});
  });

  it('does not change its input', function () {
    const original = buildSpec();
    const snapshot = structuredClone(original);

    addOidcSecurity(original);

    expect(original).to.deep.equal(snapshot);
  });

  it('gives the same result when run twice', function () {
    const once = addOidcSecurity(buildSpec());

    expect(addOidcSecurity(once)).to.deep.equal(once);
  });

  it('keeps other schemes and drops anonymous access', function () {
    const spec = buildSpec();
    const list = operation(spec, '/shop/orders', 'get');
    list.security = [{ apiKey: [] }, {}];

    const security = operation(addOidcSecurity(spec), '/shop/orders', 'get').security;

    expect(security).to.deep.equal([{ apiKey: [] }, { [names[0]]: ['admin', 'clerk'] }, { [names[1]]: ['admin', 'clerk'] }]);
  });

  it('marks every operation with allOperations', function () {
    const spec = addOidcSecurity(buildSpec(), { allOperations: true, excludedPaths: ['/shop/health', '/shop/docs/*'] });

    expect(operation(spec, '/shop/profile', 'get').security).to.deep.equal([{ [names[0]]: [] }, { [names[1]]: [] }]);
    expect(operation(spec, '/shop/orders/quote', 'post').security).to.deep.equal([{ [names[0]]: [] }, { [names[1]]: [] }]);
    expect(operation(spec, '/shop/orders', 'get').security).to.deep.equal([{ [names[0]]: ['admin', 'clerk'] }, { [names[1]]: ['admin', 'clerk'] }]);
    expect(operation(spec, '/shop/health', 'get')).not.to.have.property('security');
    expect(operation(spec, '/shop/docs/openapi.json', 'get')).not.to.have.property('security');
  });

  it('matches renamed operations under a routePrefix', function () {
    const withPrefix = addOidcSecurity(buildSpec('/api'), { routePrefix: '/api' });
    const withoutPrefix = addOidcSecurity(buildSpec('/api'));

    expect(operation(withPrefix, '/api/shop/renamed/{id}', 'get').security).to.deep.equal([{ [names[0]]: ['admin'] }, { [names[1]]: ['admin'] }]);
    expect(operation(withPrefix, '/api/shop/orders', 'get').security).to.deep.equal([{ [names[0]]: ['admin', 'clerk'] }, { [names[1]]: ['admin', 'clerk'] }]);
    expect(operation(withoutPrefix, '/api/shop/renamed/{id}', 'get')).not.to.have.property('security');
  });

  it('uses explicit discovery URLs and names', function () {
    const spec = addOidcSecurity(buildSpec(), { discoveryUrls: [KEYCLOAK_URL, issuers[0].discoveryUrl], schemeNames: { [issuers[0].discoveryUrl]: 'local' } });

    expect(Object.keys(securitySchemes(spec))).to.deep.equal(['sso.example.com_realms_staff', 'local']);
    expect(securitySchemes(spec).local.openIdConnectUrl).to.equal(issuers[0].discoveryUrl);
    expect(operation(spec, '/shop/reports', 'get').security).to.deep.equal([{ 'sso.example.com_realms_staff': ['staff'] }, { local: ['staff'] }]);
  });

  it('derives distinct names for similar URLs', function () {
    const urls = [
      'https://login.microsoftonline.com/contoso/v2.0/.well-known/openid-configuration',
      'https://idp.example.com/x_y/.well-known/openid-configuration',
      'https://idp.example.com/x/y/.well-known/openid-configuration',
      'https://idp.example.com:8443/.well-known/openid-configuration',
    ];

    const spec = addOidcSecurity(buildSpec(), { discoveryUrls: urls });

    expect(Object.keys(securitySchemes(spec))).to.deep.equal([
      'login.microsoftonline.com_contoso_v2.0',
      'idp.example.com_x_y',
      'idp.example.com_x_y_2',
      'idp.example.com_8443',
    ]);
  });

  it('rejects invalid scheme names and URLs', function () {
    const spec = buildSpec();
    const url = issuers[0].discoveryUrl;

    expect(() => addOidcSecurity(spec, { schemeNames: { [url]: 'has space' } })).to.throw(TypeError, "Invalid scheme name 'has space'");
    expect(() => addOidcSecurity(spec, { schemeNames: { 'https://other.example.com/.well-known/openid-configuration': 'other' } })).to.throw(
      TypeError,
      'it is not one of the discovery URLs',
    );
    expect(() => addOidcSecurity(spec, { schemeNames: { [url]: 'same', [issuers[1].discoveryUrl]: 'same' } })).to.throw(TypeError, 'same name');
    expect(() => addOidcSecurity(spec, { discoveryUrls: ['http://sso.example.com/.well-known/openid-configuration'] })).to.throw(TypeError, 'must use https');
    expect(() => addOidcSecurity(spec, { discoveryUrls: [] })).to.throw(TypeError, 'at least one discovery URL');
  });

  it('needs configureOidcAuth without discoveryUrls', function () {
    const configured = Container.get(OIDC_AUTH);
    Container.remove(OIDC_AUTH);
    try {
      expect(() => addOidcSecurity(buildSpec())).to.throw('call configureOidcAuth()');
    } finally {
      Container.set(OIDC_AUTH, configured);
    }
  });
});
