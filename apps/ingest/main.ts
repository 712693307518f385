import 'reflect-metadata';
import { ingestSchema, loadConfigOrExit, productionChecks } from '@watchfloor/config';
import { bootstrapIngest } from './bootstrap';

const config = loadConfigOrExit('watchfloor-ingest', ingestSchema, productionChecks);
bootstrapIngest(config).catch((err) => {
  process.stderr.write(`watchfloor-ingest: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
