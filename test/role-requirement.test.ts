import { expect } from 'chai';

import { RoleRequirement, toRequirements } from '../src/authorization/role-requirement.js';

describe('RoleRequirement', function () {
  it('is met by any one of its roles', function () {
    const requirement = new RoleRequirement(['admin', 'editor']);
    expect(requirement.isSatisfiedBy({ roles: ['editor'] }, 'roles')).to.equal(true);
    expect(requirement.isSatisfiedBy({ roles: ['viewer'] }, 'roles')).to.equal(false);
  });

  it('matches exactly and case-sensitively', function () {
    const requirement = new RoleRequirement('admin');
    for (const roles of [['Admin'], ['administrator'], ['admin '], 'administrator']) {
      expect(requirement.isSatisfiedBy({ roles }, 'roles'), JSON.stringify(roles)).to.equal(false);
    }
  });

  it('uses its own rolesKey and delimiter', function () {
    const requirement = new RoleRequirement('reports.read', { rolesKey: 'scp', delimiter: ' ' });
    expect(requirement.isSatisfiedBy({ scp: 'openid reports.read' }, 'roles')).to.equal(true);
    expect(requirement.isSatisfiedBy({ roles: ['reports.read'] }, 'roles')).to.equal(false);
  });

  it('uses the default key when it has none', function () {
    const requirement = new RoleRequirement('admin');
    expect(requirement.isSatisfiedBy({ groups: ['admin'] }, 'groups')).to.equal(true);
  });

  it('needs every role with match all', function () {
    const requirement = new RoleRequirement(['admin', 'auditor'], { match: 'all' });
    expect(requirement.isSatisfiedBy({ roles: ['admin', 'auditor', 'viewer'] }, 'roles')).to.equal(true);
    expect(requirement.isSatisfiedBy({ roles: ['admin'] }, 'roles')).to.equal(false);
  });

  it('is met by any token when it lists no roles', function () {
    expect(new RoleRequirement([]).isSatisfiedBy({}, 'roles')).to.equal(true);
  });

  it('is not met by roles claims of other shapes', function () {
    const requirement = new RoleRequirement('admin');
    for (const roles of [undefined, null, 1, { admin: true }, [['admin']], [{ name: 'admin' }]]) {
      expect(requirement.isSatisfiedBy({ roles }, 'roles'), JSON.stringify(roles)).to.equal(false);
    }
  });
});

describe('toRequirements', function () {
  it('groups plain strings into one requirement', function () {
    const requirements = toRequirements(['admin', 'editor']);
    expect(requirements).to.have.length(1);
    expect(requirements[0].roles).to.deep.equal(['admin', 'editor']);
  });

  it('keeps requirements apart', function () {
    const first = new RoleRequirement('a');
    const second = new RoleRequirement('b');
    expect(toRequirements([first, second])).to.deep.equal([first, second]);
  });

  it('ignores values of other types', function () {
    expect(toRequirements([1, null, { roles: ['x'] }])).to.deep.equal([]);
  });
});
