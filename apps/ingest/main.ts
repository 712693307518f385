import 'reflect-metadata';
import v8 from 'node:v8';
import { ingestSchema, loadConfigOrExit, productionChecks } from '@watchfloor/config';
import { bootstrapIngest } from './bootstrap';

// Under load the ingest process keeps ~40 MB of live heap (framework, tracing, pool) and promotes a
// little of every request. With V8's default heap growth its main isolate then ran a full
// mark-compact every 0.3–0.5 s (20 in one 200k-event bench run, with helper threads marking
// alongside), ≈ 15% of the process' CPU. Letting the old generation double before the next one
// cut that to 8 and the process' CPU from 48–57 to 42–43 µs an event (npm run bench:ingest), for
// ≈ 40 MB more heap. The flag is read at each GC, so setting it here (before any load) is enough.
v8.setFlagsFromString('--heap-growing-percent=100');

const config = loadConfigOrExit('watchfloor-ingest', ingestSchema, productionChecks);
bootstrapIngest(config).catch((err) => {
  process.stderr.write(`watchfloor-ingest: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
