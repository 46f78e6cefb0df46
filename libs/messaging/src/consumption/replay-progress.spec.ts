import { ReplayProgress } from './replay-progress';

const settled = async (p: Promise<void>) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);

describe('ReplayProgress', () => {
  it('is caught up at once when every partition was empty', async () => {
    const progress = new ReplayProgress(
      new Map([
        [0, 0],
        [1, 0],
      ]),
    );
    expect(await settled(progress.caughtUp)).toBe(true);
  });

  it('waits for the last record before each watermark, across gaps compaction left', async () => {
    const progress = new ReplayProgress(
      new Map([
        [0, 10],
        [1, 3],
        [2, 0],
      ]),
    );
    progress.handled(0, '4');
    progress.handled(1, '2');
    expect(progress.remaining).toBe(1);
    expect(await settled(progress.caughtUp)).toBe(false);
    progress.handled(0, '9');
    expect(await settled(progress.caughtUp)).toBe(true);
  });

  it('ignores records of partitions it does not wait for, and records past the watermark count', async () => {
    const progress = new ReplayProgress(new Map([[0, 5]]));
    progress.handled(7, '100');
    expect(await settled(progress.caughtUp)).toBe(false);
    progress.handled(0, '12');
    expect(await settled(progress.caughtUp)).toBe(true);
  });
});
