// No Docker engine runs where these tests run, so they check that docker-compose.yml, the
// Dockerfile and .dockerignore agree with each other and with how the workspace builds its apps.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import {
  type ComposeService,
  healthcheckCommand,
  type KafkaListener,
  parseComposeFile,
  parseKafkaListeners,
  parsePortMapping,
  parseProtocolMap,
} from './compose-file';
import { commandWords, type DockerStage, parseDockerfile, substituteArgs } from './dockerfile';

const workspaceRoot = resolve(__dirname, '../../..');
const readWorkspaceFile = (path: string) => readFileSync(join(workspaceRoot, path), 'utf8');

const compose = parseComposeFile(readWorkspaceFile('docker-compose.yml'));
const dockerfile = parseDockerfile(readWorkspaceFile('Dockerfile'));

const APPS = ['gateway', 'registry', 'config', 'scheduler'] as const;
const INFRASTRUCTURE = ['kafka', 'postgres', 'jaeger'] as const;
type App = (typeof APPS)[number];

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no "${name}" service`);
  return found;
}

function requiredEnv(serviceName: string, variable: string): string {
  const value = service(serviceName).environment[variable];
  if (value === undefined) throw new Error(`${serviceName} does not set ${variable}`);
  return value;
}

/** The port an app serves its admin/health endpoints on, as its environment configures it. */
function appHttpPort(app: App): number {
  return Number(requiredEnv(app, app === 'gateway' ? 'GATEWAY_ADMIN_PORT' : 'HTTP_PORT'));
}

function appPorts(app: App): number[] {
  return app === 'gateway'
    ? [appHttpPort(app), Number(requiredEnv(app, 'GATEWAY_PROXY_PORT'))]
    : [appHttpPort(app)];
}

const kafkaListeners = () => parseKafkaListeners(requiredEnv('kafka', 'KAFKA_LISTENERS'));
const kafkaAdvertisedListeners = () =>
  parseKafkaListeners(requiredEnv('kafka', 'KAFKA_ADVERTISED_LISTENERS'));

/** The one listener kafka advertises under its compose service name: the one the apps must use. */
function kafkaNetworkListener(): KafkaListener {
  const onNetwork = kafkaAdvertisedListeners().filter((listener) => listener.host === 'kafka');
  if (onNetwork.length !== 1)
    throw new Error('kafka must advertise exactly one listener as kafka:<port>');
  return onNetwork[0];
}

function boundKafkaListener(name: string): KafkaListener {
  const bound = kafkaListeners().find((listener) => listener.name === name);
  if (!bound) throw new Error(`KAFKA_LISTENERS does not bind the ${name} listener`);
  return bound;
}

function publishedPorts(serviceName: string) {
  return service(serviceName).ports.map(parsePortMapping);
}

describe('docker-compose.yml', () => {
  it('declares the seven services of the stack: kafka, postgres, jaeger and the four apps', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...INFRASTRUCTURE, ...APPS].sort());
  });

  it('pins every infrastructure image to a released version, never latest', () => {
    const repositories = {
      kafka: 'apache/kafka',
      postgres: 'postgres',
      jaeger: 'jaegertracing/all-in-one',
    };
    for (const name of INFRASTRUCTURE) {
      const image = service(name).image ?? '';
      const separator = image.lastIndexOf(':');
      expect({ name, repository: image.slice(0, separator) }).toEqual({
        name,
        repository: repositories[name],
      });
      expect({ name, tag: image.slice(separator + 1) }).toEqual({
        name,
        tag: expect.stringMatching(/^\d+(\.\d+)*$/),
      });
    }
  });

  it('builds every app service from the workspace Dockerfile with its own APP argument', () => {
    for (const app of APPS) {
      const build = service(app).build;
      expect({ app, build: build !== undefined }).toEqual({ app, build: true });
      if (!build) continue;
      expect(resolve(workspaceRoot, build.context)).toBe(workspaceRoot);
      expect(existsSync(join(workspaceRoot, build.context, build.dockerfile))).toBe(true);
      expect({ app, arg: build.args['APP'] }).toEqual({ app, arg: app });
    }
  });

  it('checks kafka with its own broker-api tool against the listener the apps use', () => {
    const command = healthcheckCommand(service('kafka')) ?? '';
    expect(command).toMatch(/^\/opt\/kafka\/bin\/kafka-broker-api-versions\.sh /);
    expect(command).toContain(`--bootstrap-server localhost:${kafkaNetworkListener().port}`);
  });

  it('checks postgres with pg_isready over TCP on its own port and database', () => {
    const command = healthcheckCommand(service('postgres')) ?? '';
    expect(command).toMatch(/^pg_isready /);
    // Over TCP: during first-start initialisation the server listens on its socket only.
    expect(command).toMatch(/-h (127\.0\.0\.1|localhost)\b/);
    expect(command).toMatch(/-p 5432\b/);
    expect(command).toContain(`-d ${requiredEnv('postgres', 'POSTGRES_DB')}`);
  });

  it("checks jaeger on its admin port's health endpoint", () => {
    expect(healthcheckCommand(service('jaeger'))).toMatch(/^wget .*http:\/\/127\.0\.0\.1:14269\/$/);
  });

  it.each(APPS)(
    'checks %s by asking node for /health/ready on the port the app listens on',
    (app) => {
      const command = healthcheckCommand(service(app)) ?? '';
      expect(command).toMatch(/^node -e /);
      // 127.0.0.1, not localhost: the apps listen on IPv4 and localhost may resolve to ::1 first.
      expect(command).toContain(`'http://127.0.0.1:${appHttpPort(app)}/health/ready'`);
    },
  );

  it('starts the apps only once kafka and postgres report healthy and jaeger has started', () => {
    for (const app of APPS) {
      const dependsOn = service(app).depends_on;
      expect({
        app,
        kafka: dependsOn['kafka']?.condition,
        postgres: dependsOn['postgres']?.condition,
      }).toEqual({
        app,
        kafka: 'service_healthy',
        postgres: 'service_healthy',
      });
      expect({ app, jaeger: dependsOn['jaeger'] !== undefined }).toEqual({ app, jaeger: true });
    }
  });

  it('restarts the apps unless they were stopped on purpose', () => {
    for (const app of APPS)
      expect({ app, restart: service(app).restart }).toEqual({ app, restart: 'unless-stopped' });
  });

  it('publishes the gateway admin API on 8080 and its proxy on 8000, where the gateway listens', () => {
    expect(requiredEnv('gateway', 'GATEWAY_ADMIN_PORT')).toBe('8080');
    expect(requiredEnv('gateway', 'GATEWAY_PROXY_PORT')).toBe('8000');
    expect(publishedPorts('gateway')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ published: 8080, target: 8080 }),
        expect.objectContaining({ published: 8000, target: 8000 }),
      ]),
    );
  });

  it('gives the gateway an admin key the shell can override, with a default long enough to be accepted', () => {
    expect(requiredEnv('gateway', 'MCP_ADMIN_KEY')).toMatch(/^\$\{MCP_ADMIN_KEY:-[^}]{12,}\}$/);
  });

  it('points every app at the listener kafka advertises on the compose network', () => {
    const listener = kafkaNetworkListener();
    for (const app of APPS) {
      expect({ app, brokers: requiredEnv(app, 'KAFKA_BROKERS') }).toEqual({
        app,
        brokers: `kafka:${listener.port}`,
      });
    }
  });

  it('advertises each kafka listener on the port it binds, each with a security protocol', () => {
    const protocols = parseProtocolMap(
      requiredEnv('kafka', 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP'),
    );
    for (const advertised of kafkaAdvertisedListeners()) {
      expect({ listener: advertised.name, port: boundKafkaListener(advertised.name).port }).toEqual(
        {
          listener: advertised.name,
          port: advertised.port,
        },
      );
    }
    for (const bound of kafkaListeners()) {
      expect({ listener: bound.name, protocol: protocols.has(bound.name) }).toEqual({
        listener: bound.name,
        protocol: true,
      });
    }
    expect(requiredEnv('kafka', 'KAFKA_INTER_BROKER_LISTENER_NAME')).toBe(
      kafkaNetworkListener().name,
    );
  });

  it('runs kafka as a single-node KRaft broker and controller with replication factors of one', () => {
    expect(requiredEnv('kafka', 'KAFKA_PROCESS_ROLES').split(',').sort()).toEqual([
      'broker',
      'controller',
    ]);
    const controllerName = requiredEnv('kafka', 'KAFKA_CONTROLLER_LISTENER_NAMES');
    const controller = boundKafkaListener(controllerName);
    expect(kafkaAdvertisedListeners().map((listener) => listener.name)).not.toContain(
      controllerName,
    );
    expect(requiredEnv('kafka', 'KAFKA_CONTROLLER_QUORUM_VOTERS')).toMatch(
      new RegExp(`^${requiredEnv('kafka', 'KAFKA_NODE_ID')}@(kafka|localhost):${controller.port}$`),
    );
    // The image formats storage with it; Kafka accepts only a base64url-encoded 16-byte UUID.
    const clusterId = requiredEnv('kafka', 'CLUSTER_ID');
    expect(clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(clusterId, 'base64url')).toHaveLength(16);
    for (const variable of [
      'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR',
    ]) {
      expect({ variable, value: requiredEnv('kafka', variable) }).toEqual({ variable, value: '1' });
    }
  });

  it('leaves topic creation to the services, which provision their own topics', () => {
    expect(requiredEnv('kafka', 'KAFKA_AUTO_CREATE_TOPICS_ENABLE')).toBe('false');
  });

  it('lets clients on the host reach kafka through the listener advertised as localhost', () => {
    const hostListener = kafkaAdvertisedListeners().find(
      (listener) => listener.host === 'localhost',
    );
    expect(hostListener).toBeDefined();
    if (!hostListener) return;
    expect(publishedPorts('kafka')).toContainEqual(
      expect.objectContaining({
        published: hostListener.port,
        target: boundKafkaListener(hostListener.name).port,
      }),
    );
  });

  it("points every app's DATABASE_URL at the postgres service with the user, password and database it creates", () => {
    const user = service('postgres').environment['POSTGRES_USER'] ?? 'postgres';
    const password = requiredEnv('postgres', 'POSTGRES_PASSWORD');
    const database = service('postgres').environment['POSTGRES_DB'] ?? user;
    for (const app of APPS) {
      const url = new URL(requiredEnv(app, 'DATABASE_URL'));
      expect({
        app,
        protocol: url.protocol,
        host: url.hostname,
        port: url.port || '5432',
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: url.pathname,
      }).toEqual({
        app,
        protocol: 'postgres:',
        host: 'postgres',
        port: '5432',
        user,
        password,
        database: `/${database}`,
      });
    }
  });

  it("sends every app's traces to jaeger's OTLP/HTTP receiver", () => {
    expect(requiredEnv('jaeger', 'COLLECTOR_OTLP_ENABLED')).toBe('true');
    const otlpHttpPort = (service('jaeger').environment['COLLECTOR_OTLP_HTTP_HOST_PORT'] ?? ':4318')
      .split(':')
      .at(-1);
    for (const app of APPS) {
      expect({ app, endpoint: requiredEnv(app, 'OTEL_EXPORTER_OTLP_ENDPOINT') }).toEqual({
        app,
        endpoint: `http://jaeger:${otlpHttpPort}`,
      });
    }
  });

  it('publishes the Jaeger UI on 16686', () => {
    expect(publishedPorts('jaeger')).toContainEqual(
      expect.objectContaining({ published: 16686, target: 16686 }),
    );
  });

  it('keeps kafka and postgres data in named volumes declared at the top level', () => {
    const postgresMajor = Number((service('postgres').image ?? '').split(':')[1]?.split('.')[0]);
    // postgres:18 moved the data directory up a level; earlier images keep it in .../data.
    const postgresDataDir =
      service('postgres').environment['PGDATA'] ??
      (postgresMajor >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data');
    const dataDirs = { kafka: requiredEnv('kafka', 'KAFKA_LOG_DIRS'), postgres: postgresDataDir };
    for (const [name, dataDir] of Object.entries(dataDirs)) {
      const holding = service(name)
        .volumes.map((entry) => entry.split(':'))
        .find(([, target]) => dataDir === target || dataDir.startsWith(`${target}/`));
      expect({ name, volume: holding?.[0] }).toEqual({
        name,
        volume: expect.stringMatching(/^[a-z0-9][\w.-]*$/),
      });
      expect(Object.keys(compose.volumes)).toContain(holding?.[0]);
    }
  });
});

describe('Dockerfile', () => {
  const finalStage = (): DockerStage => {
    const stage = dockerfile.stages.at(-1);
    if (!stage) throw new Error('the Dockerfile has no FROM');
    return stage;
  };
  const stageNamed = (name: string): DockerStage => {
    const stage = dockerfile.stages.find((candidate) => candidate.name === name);
    if (!stage) throw new Error(`the Dockerfile has no stage named ${name}`);
    return stage;
  };
  const instructions = (stage: DockerStage, keyword: string) =>
    stage.instructions
      .filter((instruction) => instruction.keyword === keyword)
      .map((instruction) => instruction.args);
  const workdir = (stage: DockerStage) =>
    instructions(stage, 'WORKDIR').reduce((dir, next) => posix.resolve(dir, next), '/');
  const copyFrom = (stage: DockerStage, source: RegExp) => {
    for (const args of instructions(stage, 'COPY')) {
      const words = args.split(/\s+/);
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((word) => !word.startsWith('--'));
      if (from && paths.length === 2 && source.test(paths[0]))
        return { from, source: paths[0], destination: paths[1] };
    }
    throw new Error(
      `the ${stage.name ?? 'final'} stage copies nothing matching ${source} from another stage`,
    );
  };

  it('builds in one stage and runs in another', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(new Set(dockerfile.stages.map((stage) => stage.name)).size).toBe(
      dockerfile.stages.length,
    );
  });

  it('runs on a pinned slim Node image that satisfies the workspace engines field', () => {
    const engines = JSON.parse(readWorkspaceFile('package.json')).engines.node as string;
    const requiredMajor = Number(/(\d+)/.exec(engines)?.[1]);
    const image = substituteArgs(finalStage().from, dockerfile.globalArgs);
    const match = /^node:(\d+)[\w.-]*-slim$/.exec(image);
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThanOrEqual(requiredMajor);
  });

  it('compiles the app named by the APP build argument with nx after installing the locked dependencies', () => {
    const builder = stageNamed(copyFrom(finalStage(), /dist\//).from);
    expect(instructions(builder, 'ARG').map((args) => args.split('=')[0])).toContain('APP');
    const runs = instructions(builder, 'RUN');
    const install = runs.findIndex((run) => /\bnpm (ci|install)\b/.test(run));
    const build = runs.findIndex((run) => /\bnx build "?\$\{?APP\}?"?(\s|$)/.test(run));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(build).toBeGreaterThan(install);
  });

  it('ships only production dependencies in the runtime image', () => {
    const provider = stageNamed(copyFrom(finalStage(), /node_modules$/).from);
    expect(
      instructions(provider, 'RUN').some((run) => /\bnpm (prune|ci)\b.*--omit=dev\b/.test(run)),
    ).toBe(true);
  });

  it('runs the service as the unprivileged node user', () => {
    expect(instructions(finalStage(), 'USER').at(-1)).toBe('node');
  });

  it('runs in production mode and keeps the APP argument for the start command', () => {
    const runtime = finalStage();
    // A build argument is visible only in the stages that declare it.
    expect(instructions(runtime, 'ARG').map((args) => args.split('=')[0])).toContain('APP');
    const env = instructions(runtime, 'ENV').join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bAPP=\$\{?APP\}?/);
  });

  it.each(APPS)('starts %s from the main.js its nx build writes', (app) => {
    // Where `nx build <app>` compiles to: tsc's outDir, keeping the path below its rootDir.
    const tsconfigPath = join(workspaceRoot, 'apps', app, 'tsconfig.app.json');
    const tsconfig = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(
      tsconfig.config,
      ts.sys,
      join(workspaceRoot, 'apps', app),
    );
    const outDir = relative(workspaceRoot, options.outDir ?? '');
    const mainInOutDir = relative(
      options.rootDir ?? '',
      join(workspaceRoot, 'apps', app, 'src', 'main.js'),
    );
    const project = JSON.parse(readWorkspaceFile(`apps/${app}/project.json`));
    expect(project.targets.build.outputs).toContain(`{workspaceRoot}/${outDir}`);

    const values = { ...dockerfile.globalArgs, APP: app };
    const runtime = finalStage();
    const copied = copyFrom(runtime, /dist\//);
    const builder = stageNamed(copied.from);
    const copiedSource = posix.resolve(workdir(builder), substituteArgs(copied.source, values));
    expect(copiedSource).toBe(posix.join(workdir(builder), outDir));

    const command = substituteArgs(
      commandWords(instructions(runtime, 'CMD').at(-1) ?? '[]').join(' '),
      values,
    );
    const started = /\bnode\s+(\S+\.js)\b/.exec(command)?.[1];
    expect(started).toBeDefined();
    const copiedTo = posix.resolve(workdir(runtime), substituteArgs(copied.destination, values));
    expect(posix.resolve(workdir(runtime), started ?? '')).toBe(posix.join(copiedTo, mainInOutDir));
  });

  it('exposes every port the compose file gives the apps', () => {
    const exposed = instructions(finalStage(), 'EXPOSE').flatMap((args) =>
      args.split(/\s+/).map((port) => Number(port.split('/')[0])),
    );
    expect(exposed).toEqual(expect.arrayContaining(APPS.flatMap(appPorts)));
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, caches, local data and git history out of the build context', () => {
    const ignored = readWorkspaceFile('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining([
        'node_modules',
        'dist',
        '.nx',
        '.cache',
        '.data',
        '.git',
        'coverage',
      ]),
    );
  });
});
