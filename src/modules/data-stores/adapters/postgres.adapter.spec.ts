import type { TableConfig } from '../../../config/data-stores.config.js';
import { exportedColumns } from './postgres.adapter.js';

describe('columns of an access copy', () => {
  const table = (extra: Partial<TableConfig>): TableConfig =>
    ({ name: 'customers', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact.email'] } }, erasure: { action: 'delete' }, ...extra }) as TableConfig;
  const actual = [{ name: 'id' }, { name: 'email' }, { name: 'password_hash' }, { name: 'total' }];
  it.each<[string, Partial<TableConfig>, { name: string }[] | undefined, string[]]>([
    ['every column of the table by default', {}, actual, ['id', 'email', 'password_hash', 'total']],
    ['excluded columns never, e.g. the password hash', { excludeColumns: ['password_hash'] }, actual, ['id', 'email', 'total']],
    ['only the configured ones when asked', { exportColumns: 'configured' }, actual, ['email']],
    ['excluded beats configured', { exportColumns: 'configured', excludeColumns: ['email'] }, actual, []],
    ['the configured ones when the table cannot be listed', {}, undefined, ['email']],
  ])('%s', (_rule, extra, columns, expected) => {
    expect(exportedColumns(table(extra), columns)).toEqual(expected);
  });
});
