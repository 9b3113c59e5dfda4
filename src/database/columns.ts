import { ValueTransformer } from 'typeorm';

/** Epoch-millisecond columns are BIGINT; PostgreSQL returns those as strings. */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

/** JSON kept in a text column so the same schema serves SQLite and PostgreSQL. */
export const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null || value === undefined ? null : JSON.parse(value)),
};

/** `double precision` comes back from PostgreSQL as a number already, from SQLite too; keep nulls. */
export const nullableNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};
