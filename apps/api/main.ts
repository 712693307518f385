import 'reflect-metadata';
import { apiChecks, apiSchema, loadConfigOrExit } from '@watchfloor/config';
import { bootstrapApi } from './bootstrap';

const config = loadConfigOrExit('watchfloor-api', apiSchema, apiChecks);
bootstrapApi(config).catch((err) => {
  process.stderr.write(`watchfloor-api: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
