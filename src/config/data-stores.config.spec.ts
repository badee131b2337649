import { humanise, parseStoresConfig, rectifiableFields, type TableConfig } from './data-stores.config.js';

describe('rectifiable fields published to requesters', () => {
  it.each([
    ['shipping_address', 'Shipping address', 'snake case'],
    ['postalCode', 'Postal code', 'camel case'],
    ['phone', 'Phone', 'one word'],
    ['billing.iban', 'Billing iban', 'dots'],
  ])('%s reads as "%s" — %s', (name, label) => {
    expect(humanise(name)).toBe(label);
  });

  const stores = parseStoresConfig([
    {
      id: 'shop',
      type: 'memory',
      tables: [
        {
          name: 'customers',
          identity: { column: 'email', matches: 'email' },
          columns: {
            email: { categories: ['contact.email'] },
            phone: { categories: ['contact.phone'], rectifiable: true },
            shipping_address: { categories: ['contact.address'], rectifiable: true, label: 'Delivery address' },
          },
          erasure: { action: 'delete' },
        },
      ],
    },
    { id: 'crm', type: 'http', baseUrl: 'https://crm.example.com', secret: 'x'.repeat(32), rectifiable: { phone: 'Telephone number', nickname: 'Name we greet you by' } },
    { id: 'plain', type: 'http', baseUrl: 'https://plain.example.com', secret: 'x'.repeat(32) },
  ]);

  it('lists every rectifiable column and declared field once, with the stores that can change it; a configured label beats the default', () => {
    expect(rectifiableFields(stores)).toEqual([
      { field: 'nickname', label: 'Name we greet you by', stores: ['crm'] },
      { field: 'phone', label: 'Telephone number', stores: ['shop', 'crm'] },
      { field: 'shipping_address', label: 'Delivery address', stores: ['shop'] },
    ]);
  });

  it('non-rectifiable columns and stores without fields publish nothing', () => {
    expect(rectifiableFields([stores[2]!])).toEqual([]);
    expect(rectifiableFields([])).toEqual([]);
  });
});


describe('excluded columns', () => {
  const table = (extra: Partial<TableConfig>): TableConfig =>
    ({ name: 'customers', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact.email'] } }, erasure: { action: 'delete' }, ...extra }) as TableConfig;
  it('refuses excludeColumns that are not identifiers, naming the key', () => {
    const stores = [{ id: 'shop', type: 'postgres', url: 'postgres://x/y', tables: [{ ...table({}), excludeColumns: ['ok', 'not ok;'] }] }];
    expect(() => parseStoresConfig({ stores })).toThrow(/tables\[0\]\.excludeColumns/);
  });
});
