import type { InstanceView } from '@mcp/protocol';
import type { InstanceRegistration, RegistrationAnswer, RegistryApi } from '../http/gateway-api';
import { silentLogger } from '../logger';
import type { InstanceChangeKind } from './instance-set';
import type {
  FeedSubscription,
  RegistryChanges,
  RegistryEventListener,
} from './registry-event-feed';
import { ServiceDiscovery } from './service-discovery';

function instance(id: string, revision: number, extra: Partial<InstanceView> = {}): InstanceView {
  return {
    service: 'orders',
    instanceId: id,
    host: 'h',
    port: 1,
    weight: 100,
    labels: { env: 'prod' },
    ttlSeconds: 30,
    status: 'up',
    revision,
    registeredAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

/** A feed the test drives by hand, and a registry whose listings the test hands out. */
class Harness implements RegistryChanges, RegistryApi {
  listener: RegistryEventListener | undefined;
  listings: ((items: InstanceView[]) => void)[] = [];

  subscribe(listener: RegistryEventListener): FeedSubscription {
    this.listener = listener;
    return { positioned: Promise.resolve(), unsubscribe: async () => undefined };
  }
  emit(kind: InstanceChangeKind, view: InstanceView): void {
    this.listener?.onChange(kind, view);
  }
  listInstances(): Promise<InstanceView[]> {
    return new Promise((resolve) => this.listings.push(resolve));
  }
  async answerListing(items: InstanceView[]): Promise<void> {
    while (this.listings.length === 0) await new Promise((r) => setImmediate(r));
    this.listings.shift()?.(items);
    await new Promise((r) => setImmediate(r));
  }
  register(_s: string, _i: string, _b: InstanceRegistration): Promise<RegistrationAnswer> {
    throw new Error('not used');
  }
  heartbeat(): Promise<void> {
    throw new Error('not used');
  }
  deregister(): Promise<void> {
    throw new Error('not used');
  }
}

const ids = (d: ServiceDiscovery) => d.instances().map((i) => i.instanceId);

describe('ServiceDiscovery', () => {
  it('merges events that arrive while the listing loads, keeping the newer state', async () => {
    const h = new Harness();
    const discovery = new ServiceDiscovery('orders', {}, { api: h, feed: h, logger: silentLogger });
    const started = discovery.start();
    await new Promise((r) => setImmediate(r));
    h.emit('updated', instance('a', 2, { port: 2 }));
    h.emit('deregistered', instance('b', 1));
    await h.answerListing([instance('a', 1), instance('b', 1), instance('c', 1)]);
    await started;
    expect(ids(discovery)).toEqual(['a', 'c']);
    expect(discovery.instances()[0].port).toBe(2);
  });

  it('shows only healthy instances matching the selector, and tells listeners when that set changes', async () => {
    const h = new Harness();
    const discovery = new ServiceDiscovery(
      'orders',
      { selector: 'env=prod' },
      { api: h, feed: h, logger: silentLogger },
    );
    const started = discovery.start();
    await h.answerListing([instance('a', 1), instance('dev', 1, { labels: { env: 'dev' } })]);
    await started;
    const seen: string[][] = [];
    discovery.on('change', (list) => seen.push(list.map((i) => i.instanceId)));

    h.emit('registered', instance('b', 1));
    h.emit('health-changed', instance('a', 2, { status: 'down' }));
    h.emit('updated', instance('dev', 2, { labels: { env: 'dev', x: 'y' } })); // still not matching
    h.emit('registered', { ...instance('other', 1), service: 'billing' });
    expect(seen).toEqual([['a', 'b'], ['b']]);
    await discovery.close();
  });

  it('drops an instance a health check took down and takes it back when it is up again', async () => {
    const h = new Harness();
    const discovery = new ServiceDiscovery('orders', {}, { api: h, feed: h, logger: silentLogger });
    const started = discovery.start();
    await h.answerListing([instance('a', 1), instance('b', 1)]);
    await started;
    const seen: string[][] = [];
    discovery.on('change', (list) => seen.push(list.map((i) => i.instanceId)));

    h.emit('health-changed', instance('a', 2, { status: 'down' }));
    expect(ids(discovery)).toEqual(['b']);
    // A late copy of the older, up state does not bring it back early.
    h.emit('registered', instance('a', 1));
    expect(ids(discovery)).toEqual(['b']);
    h.emit('health-changed', instance('a', 3, { status: 'up' }));
    expect(ids(discovery)).toEqual(['a', 'b']);
    expect(seen).toEqual([['b'], ['a', 'b']]);
    await discovery.close();
  });

  it('rebuilds from a new listing after the stream could not resume, dropping what vanished meanwhile', async () => {
    const h = new Harness();
    const discovery = new ServiceDiscovery('orders', {}, { api: h, feed: h, logger: silentLogger });
    const started = discovery.start();
    await h.answerListing([instance('a', 1), instance('b', 1)]);
    await started;

    h.listener?.onReset();
    // Until the new listing arrives the cache keeps serving what it had.
    expect(ids(discovery)).toEqual(['a', 'b']);
    h.emit('registered', instance('c', 1));
    await h.answerListing([instance('a', 1)]);
    expect(ids(discovery)).toEqual(['a', 'c']);
    await discovery.close();
  });

  it('picks only among the instances it shows', async () => {
    const h = new Harness();
    const discovery = new ServiceDiscovery(
      'orders',
      {},
      { api: h, feed: h, logger: silentLogger, random: () => 0.99 },
    );
    const started = discovery.start();
    await h.answerListing([instance('a', 1), instance('down', 1, { status: 'down' })]);
    await started;
    expect(discovery.pick()?.instanceId).toBe('a');
  });
});
