import 'reflect-metadata';
import { commonSchema, loadConfigOrExit } from '@watchfloor/config';
import { ensureBootstrapAdmin } from '@watchfloor/auth';
import { withDataSource } from '@watchfloor/db';
import { seedDemo, type DemoSeedResult } from '@watchfloor/demo';
import { secretBoxFromEnv } from '@watchfloor/secrets';
import { TenantDb } from '@watchfloor/tenancy';

export const DEMO_WEBHOOK_SECRET = 'whsec_d2F0Y2hmbG9vci1kZW1vLXNpbmstc2VjcmV0LTIwMjY=';

/** `npm run seed` ensures the bootstrap admin; `npm run seed -- --demo` also seeds the demo MSP. */
export async function seed(
  databaseUrl: string,
  options: { demo: boolean; webhookSinkUrl?: string; env?: NodeJS.ProcessEnv },
): Promise<DemoSeedResult | null> {
  const env = options.env ?? process.env;
  return withDataSource({ url: databaseUrl, poolSize: 2, applicationName: 'watchfloor-seed' }, async (ds) => {
    const admin = await ensureBootstrapAdmin(ds, env);
    if (admin) console.log(`seed: bootstrap admin ${admin.email} ${admin.created ? 'created' : 'already present'}`);
    if (!options.demo) return null;
    const result = await seedDemo(new TenantDb(ds), {
      secrets: secretBoxFromEnv(env),
      webhookSinkUrl: options.webhookSinkUrl ?? 'http://127.0.0.1:3009/hooks/oncall',
      webhookSecret: DEMO_WEBHOOK_SECRET,
    });
    console.log(`seed: demo MSP ready (${Object.keys(result.tenants).join(', ')})`);
    return result;
  });
}

if (require.main === module) {
  const config = loadConfigOrExit('seed', commonSchema);
  seed(config.DATABASE_URL, { demo: process.argv.includes('--demo') }).catch((err) => {
    console.error(`seed: failed: ${(err as Error).message}`);
    process.exit(1);
  });
}
