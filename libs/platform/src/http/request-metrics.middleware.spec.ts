import type { Request } from 'express';
import { routeOf } from './request-metrics.middleware';

describe('routeOf', () => {
  it('labels a request with the pattern of the route that matched, not its path', () => {
    const req = {
      route: { path: '/v1/services/:service/instances/:instanceId/heartbeat' },
      baseUrl: '',
    } as unknown as Request;
    expect(routeOf(req)).toBe('/v1/services/:service/instances/:instanceId/heartbeat');
  });

  it('keeps a router mount point in front of the pattern', () => {
    expect(routeOf({ route: { path: '/:id' }, baseUrl: '/v1/keys' } as unknown as Request)).toBe(
      '/v1/keys/:id',
    );
  });

  it('puts every request no route matched under one label', () => {
    expect(routeOf({ baseUrl: '' } as unknown as Request)).toBe('unmatched');
  });
});
