import { LoadShedder } from './load-shedder';

function shedder(over: Partial<ConstructorParameters<typeof LoadShedder>[0]> = {}) {
  let now = 0;
  let backlogReads = 0;
  let backlog = 0;
  const s = new LoadShedder({
    maxInFlight: 2,
    maxPoolWaiting: 5,
    maxDetectBacklog: 10,
    poolWaiting: () => 0,
    detectBacklog: async () => {
      backlogReads++;
      return backlog;
    },
    now: () => now,
    ...over,
  });
  return { s, tick: (ms: number) => (now += ms), setBacklog: (n: number) => (backlog = n), reads: () => backlogReads };
}

describe('LoadShedder', () => {
  it('refuses with 429 semantics when the in-flight bound is reached', async () => {
    const { s } = shedder();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const a = s.run(() => held);
    const b = s.run(() => held);
    await expect(s.admit()).rejects.toMatchObject({ code: 'too_many_in_flight', retryAfterSeconds: 1 });
    release();
    await Promise.all([a, b]);
    await expect(s.admit()).resolves.toBeUndefined();
  });

  it('refuses when the database pool has too many waiters', async () => {
    const { s } = shedder({ poolWaiting: () => 6 });
    await expect(s.admit()).rejects.toMatchObject({ code: 'too_many_in_flight' });
  });

  it('refuses with 503 semantics over the detect backlog, asking Redis at most once a second', async () => {
    const h = shedder();
    await h.s.admit();
    h.setBacklog(11);
    await h.s.admit(); // cached 0 still
    expect(h.reads()).toBe(1);
    h.tick(1000);
    await expect(h.s.admit()).rejects.toMatchObject({ code: 'detect_backlog', retryAfterSeconds: 5 });
    expect(h.reads()).toBe(2);
  });

  it('keeps admitting when the backlog cannot be read', async () => {
    const errors: unknown[] = [];
    const { s } = shedder({ detectBacklog: () => new Promise(() => undefined), backlogTimeoutMs: 20, onBacklogError: (e) => errors.push(e) });
    await expect(s.admit()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
