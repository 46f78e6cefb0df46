// The demo tenant service, for `npm start` and for trying the SDK by hand (see README.md).
export { DEMO_SERVICE, startDemo, type DemoOptions, type RunningDemo } from './demo-service';
export { DEMO_TENANT, ensureDemoTenant, type DemoTenantOptions } from './demo-tenant';
export { consoleLogger } from './console-logger';
