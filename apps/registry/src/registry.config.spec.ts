import { ConfigError } from '@mcp/platform';
import { loadRegistryConfig } from './registry.config';

describe('loadRegistryConfig', () => {
  it('keeps health checks away from link-local addresses (cloud metadata) by default', () => {
    expect(loadRegistryConfig({}).HEALTH_CHECK_BLOCKED_NETWORKS).toEqual([
      { address: '169.254.0.0', prefix: 16 },
      { address: 'fe80::', prefix: 10 },
      { address: 'fd00:ec2::254', prefix: 128 },
    ]);
  });

  it('takes a comma list of networks, and an empty one to block none', () => {
    expect(
      loadRegistryConfig({ HEALTH_CHECK_BLOCKED_NETWORKS: '10.0.0.0/8, ::1/128' })
        .HEALTH_CHECK_BLOCKED_NETWORKS,
    ).toEqual([
      { address: '10.0.0.0', prefix: 8 },
      { address: '::1', prefix: 128 },
    ]);
    expect(
      loadRegistryConfig({ HEALTH_CHECK_BLOCKED_NETWORKS: '' }).HEALTH_CHECK_BLOCKED_NETWORKS,
    ).toEqual([]);
  });

  it('refuses what is not a network, naming the variable', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/33', 'example.com/8', '10.0.0.0/8/1', '::/129']) {
      expect(() => loadRegistryConfig({ HEALTH_CHECK_BLOCKED_NETWORKS: bad })).toThrow(ConfigError);
    }
    expect(() => loadRegistryConfig({ HEALTH_CHECK_BLOCKED_NETWORKS: '10.0.0.0' })).toThrow(
      /HEALTH_CHECK_BLOCKED_NETWORKS/,
    );
  });
});
