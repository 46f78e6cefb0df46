import type { InstanceView } from '@mcp/protocol';
import { InstanceSet } from './instance-set';

function at(
  instanceId: string,
  revision: number,
  registeredAt = '2025-01-01T00:00:00.000Z',
  extra: Partial<InstanceView> = {},
): InstanceView {
  return {
    service: 'orders',
    instanceId,
    host: 'h',
    port: 1000 + revision,
    weight: 100,
    labels: {},
    ttlSeconds: 30,
    status: 'up',
    revision,
    registeredAt,
    updatedAt: registeredAt,
    ...extra,
  };
}

const LATER = '2025-01-01T00:05:00.000Z';
const ports = (set: InstanceSet) => set.all().map((i) => `${i.instanceId}:${i.port}`);

describe('InstanceSet', () => {
  it('keeps the highest revision whatever order updates arrive in', () => {
    const set = new InstanceSet();
    expect(set.apply('registered', at('o-1', 1))).toBe(true);
    expect(set.apply('updated', at('o-1', 3))).toBe(true);
    expect(set.apply('updated', at('o-1', 2))).toBe(false);
    expect(ports(set)).toEqual(['o-1:1003']);
  });

  it('ignores a duplicate of what it already holds', () => {
    const set = new InstanceSet();
    set.apply('registered', at('o-1', 1));
    expect(set.apply('registered', at('o-1', 1))).toBe(false);
  });

  it('takes a status change at the same revision', () => {
    const set = new InstanceSet();
    set.apply('registered', at('o-1', 1));
    expect(set.apply('health-changed', at('o-1', 1, undefined, { status: 'down' }))).toBe(true);
    expect(set.get('o-1')?.status).toBe('down');
  });

  it('does not let a listing taken before a removal bring the instance back', () => {
    const set = new InstanceSet();
    set.apply('deregistered', at('o-1', 2));
    expect(set.applySnapshot([at('o-1', 2), at('o-2', 1)])).toBe(true);
    expect(ports(set)).toEqual(['o-2:1001']);
  });

  it('does not let a stale listing undo newer events', () => {
    const set = new InstanceSet();
    set.apply('updated', at('o-1', 5));
    set.applySnapshot([at('o-1', 4)]);
    expect(ports(set)).toEqual(['o-1:1005']);
  });

  it('accepts an instance id registered anew after removal, though its revision starts at 1 again', () => {
    const set = new InstanceSet();
    set.apply('registered', at('o-1', 1));
    set.apply('updated', at('o-1', 2));
    set.apply('expired', at('o-1', 2));
    expect(set.all()).toEqual([]);
    expect(set.apply('registered', at('o-1', 1, LATER))).toBe(true);
    expect(ports(set)).toEqual(['o-1:1001']);
  });

  it('ignores the late removal of an earlier life of the same instance id', () => {
    const set = new InstanceSet();
    set.apply('registered', at('o-1', 1, LATER));
    expect(set.apply('deregistered', at('o-1', 3))).toBe(false);
    expect(ports(set)).toEqual(['o-1:1001']);
  });
});
