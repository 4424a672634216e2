import type { RegistryConfig } from '../config.ts';
import { FileSchemaRegistry } from './files.ts';
import { RedisSchemaRegistry } from './redis.ts';
import type { SchemaRegistry } from './types.ts';

export { FileSchemaRegistry } from './files.ts';
export { RedisSchemaRegistry } from './redis.ts';
export * from './types.ts';

export function openRegistry(config: RegistryConfig): SchemaRegistry {
  return config.kind === 'redis' ? new RedisSchemaRegistry(config.redisUrl!, config.prefix) : new FileSchemaRegistry(config.dir);
}
