import { useQuery } from '@tanstack/react-query';
import { api, ensure, type Schema } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Badge } from '../ui/Badge';
import { QueryView } from '../ui/Loading';
import { Page } from '../ui/Page';
import { type DataCategory, useAllCategories } from './admin/categories';

const m = messages.admin.dataStores;

function kindOf(type: string): string {
  return m.kinds[type] ?? fmt(m.customKind, { type });
}

function categoryName(key: string, taxonomy: ReadonlyMap<string, DataCategory>): string {
  const c = taxonomy.get(key);
  if (!c) return key;
  return c.special ? fmt(m.specialMark, { title: c.title }) : c.title;
}

function Store({ store, taxonomy }: { store: Schema<'DataStoreDto'>; taxonomy: ReadonlyMap<string, DataCategory> }) {
  return (
    <li className="card">
      <h2>{store.label}</h2>
      <dl className="facts">
        <dt>{m.storeId}</dt>
        <dd>
          <code>{store.id}</code>
        </dd>
        <dt>{m.kind}</dt>
        <dd>{kindOf(store.type)}</dd>
        <dt>{m.can}</dt>
        <dd>
          {store.capabilities.length === 0 ? (
            m.cannot
          ) : (
            <ul className="inline-list">
              {store.capabilities.map((c) => (
                <li key={c}>
                  <Badge tone="info">{m.capabilities[c] ?? c}</Badge>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{m.holds}</dt>
        <dd>{store.categories.length === 0 ? m.holdsNone : store.categories.map((k) => categoryName(k, taxonomy)).join(', ')}</dd>
        <dt>{m.tables}</dt>
        <dd>
          {store.tables.length === 0 ? (
            m.noTables
          ) : (
            <ul>
              {store.tables.map((t) => (
                <li key={t.name}>{fmt(m.tableErasure, { table: t.name, erasure: m.erasure[t.erasure] ?? t.erasure })}</li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </li>
  );
}

/** The configured data stores, read-only: what each is, what Lethe can do there, what it holds. No secrets. */
export function DataStoresPage() {
  const stores = useQuery({ queryKey: ['admin', 'data-stores'], queryFn: () => ensure(api.GET('/v1/data-stores')) });
  const categories = useAllCategories();
  const taxonomy = new Map((categories.data ?? []).map((c) => [c.key, c]));
  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      <p className="muted">{m.noSecrets}</p>
      <QueryView query={stores}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="alert alert-warn">{m.none}</p>
          ) : (
            <ul className="card-list">
              {data.items.map((s) => (
                <Store key={s.id} store={s} taxonomy={taxonomy} />
              ))}
            </ul>
          )
        }
      </QueryView>
    </Page>
  );
}
