import { InvalidInputError, Topic } from '@mcp/protocol';
import { parseEventTypes } from './event-type-filter';

describe('parseEventTypes', () => {
  it('lets a family wildcard through every type of that family and nothing else', () => {
    const filter = parseEventTypes('registry.*');
    expect(filter.matches('mcp.registry.instance.registered.v1')).toBe(true);
    expect(filter.matches('mcp.registry.instance.expired.v1')).toBe(true);
    expect(filter.matches('mcp.gateway.api-key.revoked.v1')).toBe(false);
    expect(filter.matches('mcp.registryx.thing.v1')).toBe(false);
    expect(filter.topics).toEqual([Topic.RegistryEvents]);
    expect(filter.scopes).toEqual(['registry:read']);
  });

  it('matches a full type exactly, with or without the mcp. prefix, and combines patterns', () => {
    const filter = parseEventTypes(
      'registry.instance.expired.v1, mcp.registry.instance.deregistered.v1',
    );
    expect(filter.matches('mcp.registry.instance.expired.v1')).toBe(true);
    expect(filter.matches('mcp.registry.instance.deregistered.v1')).toBe(true);
    expect(filter.matches('mcp.registry.instance.registered.v1')).toBe(false);
    expect(filter.matches('mcp.registry.instance.expired.v10')).toBe(false);
    expect(filter.topics).toEqual([Topic.RegistryEvents]);
  });

  it('narrows to an entity with a deeper wildcard', () => {
    const filter = parseEventTypes('registry.instance.*');
    expect(filter.matches('mcp.registry.instance.updated.v1')).toBe(true);
    expect(filter.matches('mcp.registry.lease.granted.v1')).toBe(false);
  });

  it('follows every family when no types are given', () => {
    expect(parseEventTypes(undefined).matches('mcp.registry.instance.updated.v1')).toBe(true);
  });

  it.each([
    ['', 'an empty list'],
    ['*', 'a bare wildcard'],
    ['registry.*.v1', 'a wildcard in the middle'],
    ['Registry.*', 'upper case'],
    ['config.*', 'a family that cannot be followed yet'],
    ['gateway.*', 'the platform-internal key events'],
    [Array.from({ length: 21 }, () => 'registry.*').join(','), 'too many patterns'],
  ])('rejects %j (%s) as invalid input naming the types parameter', (text) => {
    let thrown: unknown;
    try {
      parseEventTypes(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).issues[0]?.path).toBe('types');
  });
});
