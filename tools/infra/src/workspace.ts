import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this file holding nx.json. */
export function workspaceRoot(): string {
  let dir = resolve(__dirname);
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(__dirname, '../../..');
    dir = parent;
  }
  return dir;
}

/** Where fetched jars live between runs (git-ignored); MCP_CACHE_DIR moves it. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['MCP_CACHE_DIR'] ? resolve(env['MCP_CACHE_DIR']) : join(workspaceRoot(), '.cache');
}
