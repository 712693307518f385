import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApiTestApp, type ApiTestApp } from './testing/api-test-app';

const COMMITTED = path.resolve(__dirname, '../../schema.graphql');

/** The SDL without the generator's header comment. */
function body(sdl: string): string {
  return sdl.replace(/^(#.*\n)+\n*/, '').trim() + '\n';
}

describe('schema.graphql', () => {
  let api: ApiTestApp;
  const generated = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wf-schema-')), 'schema.graphql');
  beforeAll(async () => {
    api = await startApiTestApp({ schemaFile: generated });
  });
  afterAll(() => api.close());

  it('matches the schema the code generates (UPDATE_SCHEMA=1 rewrites it)', () => {
    const fresh = fs.readFileSync(generated, 'utf8');
    if (process.env.UPDATE_SCHEMA === '1') fs.writeFileSync(COMMITTED, fresh);
    expect(fs.existsSync(COMMITTED)).toBe(true);
    expect(body(fs.readFileSync(COMMITTED, 'utf8'))).toBe(body(fresh));
  });
});
