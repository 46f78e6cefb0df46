import { rpcCatalog, rpcDefinitionOf } from '../catalog';
import { RpcErrorReply } from '../rpc';
import { RpcPattern } from '../topics';
import { ServiceStatusReply, ServiceStatusRequest, ServiceStatusRpc } from './service-status.rpc';

describe('service status request/reply', () => {
  it('takes an empty request and refuses anything in it', () => {
    expect(ServiceStatusRequest.safeParse({}).success).toBe(true);
    expect(ServiceStatusRequest.safeParse({ verbose: true }).success).toBe(false);
  });

  it('is declared for each backend on its own pattern, and cataloged', () => {
    expect(ServiceStatusRpc.registry.pattern).toBe(RpcPattern.RegistryStatus);
    expect(ServiceStatusRpc.config.pattern).toBe(RpcPattern.ConfigStatus);
    expect(ServiceStatusRpc.scheduler.pattern).toBe(RpcPattern.SchedulerStatus);
    for (const def of Object.values(ServiceStatusRpc))
      expect(rpcDefinitionOf(def.pattern)).toBe(def);
    expect(rpcCatalog.map((d) => d.pattern).sort()).toEqual(Object.values(RpcPattern).sort());
  });

  it('tells a reply from an error reply', () => {
    const reply = {
      service: 'registry',
      status: 'ok',
      version: '1',
      uptimeSeconds: 3,
      database: { ok: true, latencyMs: 0.4, schema: 'registry' },
    };
    expect(ServiceStatusReply.safeParse(reply).success).toBe(true);
    expect(RpcErrorReply.safeParse(reply).success).toBe(false);
    expect(RpcErrorReply.safeParse({ error: { code: 'timeout', detail: 'late' } }).success).toBe(
      true,
    );
  });
});
