import { MavenProgress } from './maven-fetch';

const downloading = (n: number): string =>
  `[INFO] Downloading from central: https://example.org/maven2/org/x/lib${n}/1.0/lib${n}-1.0.jar`;
const downloaded = (n: number): string =>
  `[INFO] Downloaded from central: https://example.org/maven2/org/x/lib${n}/1.0/lib${n}-1.0.jar (13 kB at 19 kB/s)`;

describe('MavenProgress', () => {
  it('counts finished downloads only, not announcements or other output', () => {
    const progress = new MavenProgress();
    const lines = [
      '[INFO] Scanning for projects...',
      downloading(1),
      downloaded(1),
      downloading(2),
      downloaded(2),
    ];
    lines.forEach((l) => progress.feed(l));
    expect(progress.files).toBe(2);
    expect(progress.describe('Kafka 3.9.1 jars')).toBe('fetching Kafka 3.9.1 jars… 2 files');
  });

  it('sees through colour codes Maven may print', () => {
    const progress = new MavenProgress();
    expect(progress.feed(`\u001b[1;34mINFO\u001b[m`)).toBe(false);
    expect(progress.feed(`\u001b[0m${downloaded(3)}\u001b[0m`)).toBe(true);
  });

  it('explains a failure with the goal error rather than the help boilerplate', () => {
    const progress = new MavenProgress();
    [
      '[ERROR] ',
      '[ERROR] Failed to execute goal on project kafka-runtime: Could not resolve dependencies for project mcp.tools:kafka-runtime:pom:0.0.0',
      '[ERROR] -> [Help 1]',
    ].forEach((l) => progress.feed(l));
    expect(progress.reason()).toMatch(
      /^Failed to execute goal on project kafka-runtime: Could not resolve/,
    );
  });

  it('still gives a reason when Maven printed no error line', () => {
    expect(new MavenProgress().reason()).toBe('Maven exited with an error');
  });
});
