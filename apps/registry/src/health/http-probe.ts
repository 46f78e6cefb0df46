/**
 * One active health check request: `GET http://{host}:{port}{path}`; any 2xx or 3xx answer
 * passes, anything else (another status, a refused or reset connection, no answer in time) fails.
 */
import { lookup as dnsLookup } from 'node:dns';
import { request } from 'node:http';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

export interface ProbeRequest {
  host: string;
  port: number;
  path: string;
  timeoutMs: number;
}

export interface ProbeResult {
  passed: boolean;
  /** Why, in a few words for the transition log: `HTTP 503`, `timed out after 2000 ms`. */
  detail: string;
}

/** `10.0.0.0/8`-style networks the registry must never connect to. */
export interface BlockedNetwork {
  address: string;
  prefix: number;
}

export class HttpProbe {
  private readonly blocked = new BlockList();

  constructor(blockedNetworks: readonly BlockedNetwork[] = []) {
    for (const { address, prefix } of blockedNetworks) {
      this.blocked.addSubnet(address, prefix, isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  check(target: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
    // The host is the tenant's word: the address it resolves to is checked at connect time, so a
    // name that resolves to a blocked address (or starts to, later) is refused too.
    if (isIP(target.host) && this.isBlocked(target.host)) {
      return Promise.resolve({ passed: false, detail: 'address not allowed' });
    }
    // Probes run on their own, outside any request: a span each would swamp the traces.
    return context.with(suppressTracing(context.active()), () => this.get(target, signal));
  }

  private get(target: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
    return new Promise<ProbeResult>((resolve) => {
      let settled = false;
      const settle = (result: ProbeResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const req = request({
        host: target.host,
        port: target.port,
        path: target.path,
        method: 'GET',
        // A connection of its own, closed after the answer: no pool of idle sockets per instance.
        agent: false,
        lookup: this.lookup,
        headers: { 'user-agent': 'mcp-registry-health-check', connection: 'close' },
      });
      const timer = setTimeout(() => {
        settle({ passed: false, detail: `timed out after ${target.timeoutMs} ms` });
        req.destroy();
      }, target.timeoutMs);
      const onAbort = () => {
        settle({ passed: false, detail: 'probe cancelled' });
        req.destroy();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        // Only the status matters; the body is never read, nor are redirects followed.
        res.resume();
        res.on('error', () => undefined);
        settle({ passed: status >= 200 && status < 400, detail: `HTTP ${status}` });
        req.destroy();
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        settle({ passed: false, detail: error.code ?? error.message });
      });
      req.end();
    });
  }

  private isBlocked(address: string): boolean {
    return this.blocked.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }

  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      if (addresses.length === 0 || addresses.some((a) => this.isBlocked(a.address))) {
        return callback(new Error(`${hostname} resolves to an address not allowed`), '');
      }
      // Node asks for every address when it may try several (autoSelectFamily), else for one.
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
