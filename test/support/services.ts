import pg from 'pg';

/**
 * Test access to the real services. Without them a test skips and says so; under `REQUIRE_SERVICES=1` (CI) a
 * missing service fails the run instead.
 */
export const REQUIRE_SERVICES = process.env.REQUIRE_SERVICES === '1';
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1 but Postgres at ${TEST_DATABASE_URL} is not answering: ${String(error)}`);
    console.warn(`Skipping Postgres tests: no Postgres at ${TEST_DATABASE_URL}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A unique schema name, so parallel test files never share tables. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A connection to the test Redis (TEST_REDIS_URL), for tests of packages that do not use Redis themselves; quit it after. */
export async function testRedis() {
  const { Redis } = await import('ioredis');
  return new Redis(TEST_REDIS_URL);
}

/** Whether Redis answers at TEST_REDIS_URL; like postgresAvailable, it skips with a message or fails under REQUIRE_SERVICES=1. */
export async function redisAvailable(): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1 but Redis at ${TEST_REDIS_URL} is not answering: ${String(error)}`);
    console.warn(`Skipping Redis tests: no Redis at ${TEST_REDIS_URL}`);
    return false;
  } finally {
    client.disconnect();
  }
}
