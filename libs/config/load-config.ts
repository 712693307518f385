import { z } from 'zod';
import { SECRET_VARIABLES } from './config.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Validates the environment against an app's schema. Empty strings count as unset so that
 * `FOO=` in a shell behaves like no FOO. Problems are one line each and never echo a secret value.
 */
export function loadConfig<S extends z.ZodObject<z.ZodRawShape>>(
  schema: S,
  env: Env = process.env,
  extraChecks: (config: z.infer<S>) => string[] = () => [],
): z.infer<S> {
  const input: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'config');
      const shown = SECRET_VARIABLES.has(key) || input[key] === undefined ? '' : ` (got "${input[key]}")`;
      const message = issue.code === 'invalid_type' && input[key] === undefined ? 'is required' : issue.message;
      return `${key} ${message}${shown}`;
    });
    // Cross-field rules still run (on defaults for the invalid variables) so every problem shows at once.
    const failed = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
    const rest = Object.fromEntries(Object.entries(input).filter(([key]) => !failed.has(key)));
    const fallback = schema.safeParse(rest);
    if (fallback.success) problems.push(...extraChecks(fallback.data));
    throw new ConfigError(problems);
  }
  const problems = extraChecks(parsed.data);
  if (problems.length) throw new ConfigError(problems);
  return parsed.data;
}

/** For main.ts: print one line per problem and exit non-zero, before anything else starts. */
export function loadConfigOrExit<S extends z.ZodObject<z.ZodRawShape>>(
  app: string,
  schema: S,
  extraChecks?: (config: z.infer<S>) => string[],
): z.infer<S> {
  try {
    return loadConfig(schema, process.env, extraChecks);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.problems) process.stderr.write(`${app}: invalid configuration: ${line}\n`);
      process.exit(78);
    }
    throw err;
  }
}
