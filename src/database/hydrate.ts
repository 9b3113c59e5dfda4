import type { DataSource, ObjectLiteral } from 'typeorm';
import type { Row } from './unit-of-work';

/** A raw row (`SELECT *`) as its entity, through TypeORM's own column conversions for the dialect. */
export function hydrate<T extends ObjectLiteral>(dataSource: DataSource, entity: new () => T, row: Row): T {
  const value = {} as Record<string, unknown>;
  for (const column of dataSource.getMetadata(entity).columns) {
    value[column.propertyName] = dataSource.driver.prepareHydratedValue(row[column.databaseName], column);
  }
  return value as T;
}
