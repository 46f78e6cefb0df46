/**
 * `npm test`: every check the project has, in order — lint, type checks and unit tests, then
 * integration and end-to-end tests on one real Kafka + Postgres started here — ending with one
 * `tests: N passed, N failed` line and the status of each step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEphemeralDataDir,
  InfraError,
  startInfra,
  workspaceRoot,
  type RunningInfra,
} from '../infra/src/index';

type Status = 'passed' | 'failed' | 'skipped';

interface StepResult {
  title: string;
  status: Status;
  detail: string;
}

const root = workspaceRoot();
const summaryDir = mkdtempSync(join(tmpdir(), 'mcp-test-summary-'));
const summaryFile = join(summaryDir, 'summary.jsonl');
const results: StepResult[] = [];
const totalSteps = 7;
let current: ChildProcess | undefined;
let infra: RunningInfra | undefined;
let interrupted = false;

function announce(index: number, title: string): void {
  console.log(`\n▶ [${index}/${totalSteps}] ${title}`);
}

function record(title: string, status: Status, started: number, note = ''): boolean {
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  results.push({ title, status, detail: note || `${seconds} s` });
  return status === 'passed';
}

/** Runs one npx command with the terminal attached; resolves with its exit code. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npx', args, { cwd: root, env, stdio: 'inherit' });
    current = child;
    child.once('error', () => resolve(127));
    child.once('exit', (code, signal) => {
      current = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

async function step(
  index: number,
  title: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (interrupted) {
    results.push({ title, status: 'skipped', detail: 'interrupted' });
    return;
  }
  announce(index, title);
  const started = Date.now();
  const code = await run(args, env);
  const why = interrupted ? 'interrupted' : `exit code ${code}`;
  record(title, code === 0 ? 'passed' : 'failed', started, code === 0 ? '' : why);
}

function testTotals(): { passed: number; failed: number } {
  let text = '';
  try {
    text = readFileSync(summaryFile, 'utf8');
  } catch {
    // no Jest run reported anything
  }
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { passed: number; failed: number })
    .reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed }), {
      passed: 0,
      failed: 0,
    });
}

async function stopInfra(): Promise<void> {
  const running = infra;
  infra = undefined;
  if (!running || running.started.length === 0) return;
  announce(totalSteps, `stop ${running.started.join(', ')}`);
  const started = Date.now();
  await running.stop();
  record(`stop ${running.started.join(', ')}`, 'passed', started);
}

function report(): number {
  const mark: Record<Status, string> = { passed: '✔', failed: '✘', skipped: '–' };
  console.log('\nsteps:');
  for (const r of results) console.log(`  ${mark[r.status]} ${r.title}: ${r.status} (${r.detail})`);
  const totals = testTotals();
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
  rmSync(summaryDir, { recursive: true, force: true });
  const failedSteps = results.filter((r) => r.status !== 'passed');
  return interrupted ? 130 : failedSteps.length > 0 || totals.failed > 0 ? 1 : 0;
}

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  console.log(`\n${signal}: stopping after the current step is cancelled…`);
  // A terminal Ctrl-C reaches the child too; a SIGTERM from a CI runner has to be passed on.
  if (signal === 'SIGTERM') current?.kill('SIGTERM');
}

async function main(): Promise<number> {
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    MCP_TEST_SUMMARY_FILE: summaryFile,
    NX_TUI: 'false',
  };

  await step(
    1,
    'formatting (prettier --check)',
    ['prettier', '--check', '--log-level=warn', '.'],
    base,
  );
  await step(
    2,
    'lint, typecheck and unit tests',
    ['nx', 'run-many', '-t', 'lint', 'typecheck', 'test', '--skip-nx-cache'],
    base,
  );

  let infraEnv: NodeJS.ProcessEnv | undefined;
  const infraTitle = 'start Kafka and Postgres';
  if (!interrupted) {
    announce(3, infraTitle);
    const started = Date.now();
    try {
      infra = await startInfra({
        dataDir: await createEphemeralDataDir(),
        ephemeral: true,
        log: (line) => console.log(`  ${line}`),
      });
      infraEnv = { ...base, KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl };
      console.log(`  KAFKA_BROKERS=${infra.kafkaBrokers} DATABASE_URL=${infra.databaseUrl}`);
      record(infraTitle, 'passed', started);
    } catch (error) {
      console.error(`  ${error instanceof InfraError ? error.message : String(error)}`);
      record(
        infraTitle,
        'failed',
        started,
        error instanceof InfraError ? error.message : 'see above',
      );
    }
  }

  await step(
    4,
    'build the apps',
    ['nx', 'run-many', '-t', 'build', '--projects=tag:type:app'],
    base,
  );
  const needsInfra: [number, string, string[]][] = [
    [
      5,
      'integration tests',
      ['nx', 'run-many', '-t', 'int-test', '--parallel=1', '--skip-nx-cache'],
    ],
    [6, 'end-to-end tests', ['nx', 'run-many', '-t', 'e2e', '--parallel=1', '--skip-nx-cache']],
  ];
  for (const [index, title, args] of needsInfra) {
    if (infraEnv) await step(index, title, args, infraEnv);
    else results.push({ title, status: 'skipped', detail: 'no Kafka/Postgres' });
  }

  await stopInfra();
  return report();
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error);
    await stopInfra().catch(() => undefined);
    report();
    process.exit(1);
  },
);
