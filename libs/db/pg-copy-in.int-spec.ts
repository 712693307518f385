import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/harness';
import { PgCopyIn, runCopyIn } from './pg-copy-in';

let t: TestDatabase;
let client: Client;

beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 1 });
  client = new Client({ connectionString: t.url });
  await client.connect();
  await client.query(`CREATE TABLE copied (n integer NOT NULL, label text)`);
});
afterAll(async () => {
  await client.end();
  await t.drop();
});

const count = async () => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM copied`)).rows[0].n;

describe('PgCopyIn', () => {
  it('copies every chunk and resolves with the rows the server copied', async () => {
    const copied = await runCopyIn(client, new PgCopyIn(`COPY copied (n, label) FROM STDIN`, () => [Buffer.from('1\tone\n2\t'), Buffer.from('two\n3\t\\N\n')]));
    expect(copied).toBe(3);
    expect((await client.query(`SELECT n, label FROM copied ORDER BY n`)).rows).toEqual([
      { n: 1, label: 'one' },
      { n: 2, label: 'two' },
      { n: 3, label: null },
    ]);
  });

  it('rejects with the server error for bad data, stores nothing of it, and leaves the connection usable', async () => {
    const before = await count();
    await expect(runCopyIn(client, new PgCopyIn(`COPY copied (n) FROM STDIN`, () => [Buffer.from('4\nfive\n')]))).rejects.toMatchObject({ code: '22P02' });
    expect(await count()).toBe(before);
  });

  it('fails the COPY on the server when producing the data throws, and rejects with that error', async () => {
    const before = await count();
    const copy = new PgCopyIn(`COPY copied (n) FROM STDIN`, function* () {
      yield Buffer.from('7\n8\n');
      throw new Error('encoder broke');
    });
    await expect(runCopyIn(client, copy)).rejects.toThrow('encoder broke');
    expect(await count()).toBe(before);
    expect((await client.query(`SELECT 1 AS ok`)).rows).toEqual([{ ok: 1 }]);
  });

  it('rejects a COPY into a table under forced row-level security, which is why ingest stages first', async () => {
    await client.query(`BEGIN`);
    try {
      await client.query(`SELECT set_config('role', 'watchfloor_app', true)`);
      await expect(runCopyIn(client, new PgCopyIn(`COPY events (tenant_id) FROM STDIN`, () => []))).rejects.toThrow(/row-level security/);
    } finally {
      await client.query(`ROLLBACK`);
    }
  });
});
