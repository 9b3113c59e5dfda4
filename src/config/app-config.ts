import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === true || value === 'true' || value === '1';
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/**
 * The environment as the service reads it. Every variable is validated at start-up; a bad value
 * stops the process with a message naming the variable.
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString()
  DB_PATH?: string;

  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must start with postgres://' })
  DATABASE_URL?: string;

  @IsOptional() @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DB_SCHEMA must be a lower-case SQL identifier' })
  DB_SCHEMA?: string;

  @IsOptional() @IsString()
  ADMIN_API_KEYS?: string;

  @IsOptional() @IsString()
  SSN_HASH_KEY?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000_000)
  MAX_BALANCE_FEN?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(365)
  OFFLINE_WINDOW_DAYS?: number;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'SCHEME_START must be an ISO 8601 timestamp with an offset',
  })
  SCHEME_START?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  CROSS_REGION_CONCESSIONS?: boolean;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  SIM_API?: boolean;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  LOG_REQUESTS?: boolean;

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(100_000_000)
  RATE_LIMIT_PER_MINUTE?: number;

  @IsOptional() @IsString()
  FARE_RULES_DIR?: string;
}

export interface AppConfig {
  production: boolean;
  port: number;
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema?: string };
  /** Admin API keys; `dev-admin-key` when none are configured outside production. */
  adminApiKeys: string[];
  adminKeysDefaulted: boolean;
  ssnHashKey: string;
  ssnHashKeyDefaulted: boolean;
  maxBalanceFen: number;
  offlineWindowDays: number;
  schemeStartMs: number;
  crossRegionConcessions: boolean;
  simApi: boolean;
  logLevel: string;
  logRequests: boolean;
  /** Requests per key (or per IP without a key) per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Another directory of fare rule files (a what-if replay); absent: the rules of the release. */
  fareRulesDirectory?: string;
}

export const DEV_ADMIN_KEY = 'dev-admin-key';
const DEV_SSN_HASH_KEY = 'onecard-dev-ssn-hash-key';

/** Validates `env` and derives the typed configuration; throws an Error naming each bad variable. */
export function loadAppConfig(env: Record<string, string | undefined>): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, { ...env }, { enableImplicitConversion: false });
  const errors = validateSync(vars, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const production = vars.NODE_ENV === 'production';
  const adminApiKeys = (vars.ADMIN_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  if (production && adminApiKeys.length === 0) {
    throw new Error('Invalid configuration:\n  ADMIN_API_KEYS: required in production');
  }
  if (production && !vars.SSN_HASH_KEY) {
    throw new Error('Invalid configuration:\n  SSN_HASH_KEY: required in production');
  }
  return {
    production,
    port: vars.PORT ?? 3000,
    database: vars.DATABASE_URL
      ? { kind: 'postgres', url: vars.DATABASE_URL, schema: vars.DB_SCHEMA }
      : { kind: 'sqlite', path: vars.DB_PATH ?? './data/onecard.sqlite' },
    adminApiKeys: adminApiKeys.length > 0 ? adminApiKeys : [DEV_ADMIN_KEY],
    adminKeysDefaulted: adminApiKeys.length === 0,
    ssnHashKey: vars.SSN_HASH_KEY ?? DEV_SSN_HASH_KEY,
    ssnHashKeyDefaulted: !vars.SSN_HASH_KEY,
    maxBalanceFen: vars.MAX_BALANCE_FEN ?? 100_000,
    offlineWindowDays: vars.OFFLINE_WINDOW_DAYS ?? 7,
    schemeStartMs: Date.parse(vars.SCHEME_START ?? '2025-01-01T00:00:00+08:00'),
    crossRegionConcessions: vars.CROSS_REGION_CONCESSIONS ?? false,
    simApi: vars.SIM_API ?? true,
    logLevel: vars.LOG_LEVEL ?? (vars.NODE_ENV === 'test' ? 'silent' : 'info'),
    logRequests: vars.LOG_REQUESTS ?? true,
    rateLimitPerMinute: vars.RATE_LIMIT_PER_MINUTE ?? 600_000,
    ...(vars.FARE_RULES_DIR ? { fareRulesDirectory: vars.FARE_RULES_DIR } : {}),
  };
}

/** Injection token of the typed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
