import { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { migrateDatabase } from '../../src/database/migrate';
import { ormOptions } from '../../src/database/mikro-orm.config';
import { createTestDatabase } from '../support/databases';

/**
 * Migrations are forward-only and applied once: from an empty database they give exactly the
 * schema the entities describe, and from every earlier release's schema (all migrations but the
 * last N) they carry the rows that schema held.
 */
describe('database migrations: from empty and from each earlier schema', () => {
  const orms: MikroORM[] = [];
  const open = async (url?: string) => {
    const orm = await MikroORM.init(ormOptions(url ?? (await createTestDatabase('mig'))));
    orms.push(orm);
    return orm;
  };
  afterAll(async () => {
    for (const orm of orms) await orm.close(true);
  });

  test('an empty database gets every migration once, even from three processes at once, and matches the entities', async () => {
    const first = await open();
    const url = first.config.get('clientUrl')!;
    const others = [await open(url), await open(url)];
    const all = (await first.getMigrator().getPendingMigrations()).map((m) => m.name);
    expect(all.length).toBeGreaterThanOrEqual(3);
    await Promise.all([first, ...others].map((orm) => migrateDatabase(orm)));
    const applied = await first.em.getConnection().execute<Array<{ name: string }>>('select name from mikro_orm_migrations order by id');
    expect(applied.map((r) => r.name)).toEqual(all);
    // Every entity has its table: nobody added an entity and forgot its migration.
    const tables = new Set((await first.em.getConnection().execute<Array<{ t: string }>>(`select table_name as t from information_schema.tables where table_schema = 'public'`)).map((r) => r.t));
    const entityTables = Object.values(first.getMetadata().getAll()).filter((m) => !m.embeddable && !m.virtual && m.tableName).map((m) => m.tableName);
    expect(entityTables.filter((t) => !tables.has(t))).toEqual([]);
    // A second start finds nothing to do.
    await migrateDatabase(first);
    expect(await first.em.getConnection().execute('select count(*)::int as n from mikro_orm_migrations')).toEqual([{ n: all.length }]);
  });

  // Each earlier schema costs a migration from empty, so the work grows with the square of the
  // migrations; the last EARLIER_SCHEMAS schemas already pass every table of the older ones through
  // every newer migration, with rows in it.
  const EARLIER_SCHEMAS = 8;
  test(`from each of the last ${EARLIER_SCHEMAS} earlier schemas (all migrations but the last N), rows of that schema survive the upgrade`, async () => {
    const probe = await open();
    const names = (await probe.getMigrator().getPendingMigrations()).map((m) => m.name);
    for (let n = 1; n < Math.min(names.length, EARLIER_SCHEMAS + 1); n++) {
      const orm = await open();
      const previous = names[names.length - 1 - n];
      await orm.getMigrator().up({ to: previous });
      const connection = orm.em.getConnection();
      const inserted = await insertRowsForEveryTable((sql, params) => connection.execute(sql, params ?? []));
      expect(inserted.length).toBeGreaterThan(0);

      await migrateDatabase(orm);
      const applied = await connection.execute<Array<{ name: string }>>('select name from mikro_orm_migrations order by id');
      expect(applied.map((r) => r.name)).toEqual(names);
      for (const row of inserted) {
        const still = await connection.execute<Array<Record<string, string | null>>>(
          `select ${row.columns.map((c) => `"${c}"::text as "${c}"`).join(', ')} from "${row.table}" where ${row.key.map((k, i) => `"${k}"::text = $${i + 1}`).join(' and ')}`.replace(/\$\d+/g, '?'),
          row.key.map((k) => row.values[k]),
        ).catch((error: Error) => {
          throw new Error(`after migrating from ${previous}: ${row.table} lost its row or a column (${error.message})`);
        });
        expect({ table: row.table, from: previous, rows: still.length }).toEqual({ table: row.table, from: previous, rows: 1 });
        // Columns that still exist keep their values (as text).
        const kept = Object.fromEntries(Object.entries(still[0]).filter(([, v]) => v !== undefined));
        for (const [column, value] of Object.entries(kept)) expect({ table: row.table, column, value }).toEqual({ table: row.table, column, value: row.values[column] });
      }
    }
  }, 180_000);
});

interface InsertedRow {
  table: string;
  key: string[];
  columns: string[];
  /** Values as PostgreSQL prints them with ::text. */
  values: Record<string, string | null>;
}

type Execute = (sql: string, params?: unknown[]) => Promise<Array<Record<string, any>>>;

/**
 * One plausible row in every table of the schema as it is now, parents before children (foreign
 * keys point at the parent's row), values by column type, CHECK (col in (...)) honoured, defaults
 * left to the database. Returns what it wrote, read back as text.
 */
async function insertRowsForEveryTable(execute: Execute): Promise<InsertedRow[]> {
  const tables = (await execute(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'mikro_orm_migrations'`)).map((r) => r.table_name as string);
  const columns = await execute(
    `select c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable, c.column_default
       from information_schema.columns c
      -- PostgreSQL computes generated columns (case_record.search_text): a row cannot give them.
      where c.table_schema = 'public' and c.is_generated = 'NEVER' order by c.table_name, c.ordinal_position`,
  );
  const foreign = await execute(
    `select tc.table_name, kcu.column_name, ccu.table_name as ref_table, ccu.column_name as ref_column
       from information_schema.table_constraints tc
       join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
       join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public'`,
  );
  const checks = await execute(
    `select rel.relname as table_name, pg_get_constraintdef(con.oid) as def
       from pg_constraint con join pg_class rel on rel.oid = con.conrelid join pg_namespace ns on ns.oid = rel.relnamespace
      where con.contype = 'c' and ns.nspname = 'public'`,
  );
  const primary = await execute(
    `select tc.table_name, kcu.column_name from information_schema.table_constraints tc
       join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
      where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = 'public' order by kcu.ordinal_position`,
  );

  const order: string[] = [];
  const visit = (table: string, path: string[] = []) => {
    if (order.includes(table) || path.includes(table)) return;
    for (const fk of foreign.filter((f) => f.table_name === table && f.ref_table !== table)) visit(fk.ref_table, [...path, table]);
    order.push(table);
  };
  for (const table of tables.sort()) visit(table);

  const written = new Map<string, Record<string, string | null>>();
  const result: InsertedRow[] = [];
  for (const table of order) {
    const key = primary.filter((p) => p.table_name === table).map((p) => p.column_name as string);
    const textColumns = columns.filter((c) => c.table_name === table).map((c) => `"${c.column_name}"::text as "${c.column_name}"`).join(', ');
    // A table a migration seeded (a singleton settings row ...): its row is that schema's row.
    const [seeded] = (await execute(`select ${textColumns} from "${table}" limit 1`)) as Array<Record<string, string | null>>;
    if (seeded) {
      written.set(table, seeded);
      result.push({ table, key: key.length ? key : Object.keys(seeded), columns: Object.keys(seeded), values: seeded });
      continue;
    }
    const values: Record<string, unknown> = {};
    for (const column of columns.filter((c) => c.table_name === table)) {
      const name = column.column_name as string;
      const fk = foreign.find((f) => f.table_name === table && f.column_name === name);
      if (fk && written.has(fk.ref_table)) {
        values[name] = written.get(fk.ref_table)![fk.ref_column];
        continue;
      }
      if (column.column_default !== null) continue;
      const allowed = checks
        .filter((c) => c.table_name === table && (c.def as string).includes(name))
        .map((c) => /'([^']*)'::text/.exec(c.def as string)?.[1])
        .find((v) => v !== undefined);
      values[name] = allowed ?? sampleValue(column.data_type as string, column.udt_name as string, table, name);
    }
    const names = Object.keys(values);
    const sql = names.length
      ? `insert into "${table}" (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map(() => '?').join(', ')}) returning *`
      : `insert into "${table}" default values returning *`;
    const [row] = await execute(sql, names.map((n) => values[n]));
    const text = (await execute(`select ${Object.keys(row).map((c) => `"${c}"::text as "${c}"`).join(', ')} from "${table}" where ctid = (select max(ctid) from "${table}")`))[0] as Record<string, string | null>;
    written.set(table, text);
    result.push({ table, key: key.length ? key : Object.keys(text), columns: Object.keys(text), values: text });
  }
  return result;
}

function sampleValue(dataType: string, udt: string, table: string, column: string): unknown {
  const unique = randomUUID().slice(0, 8);
  switch (udt) {
    case 'uuid':
      return randomUUID();
    // Array literals as text: the query builder would spread a JS array into a list.
    case '_uuid':
      return `{${randomUUID()}}`;
    case '_text':
      return `{${column}-1}`;
    case 'int2':
    case 'int4':
    case 'int8':
      return 7;
    case 'numeric':
    case 'float4':
    case 'float8':
      return 1.5;
    case 'bool':
      return true;
    case 'timestamptz':
    case 'timestamp':
      return new Date('2026-04-01T01:02:03.000Z');
    case 'date':
      return '2026-04-01';
    case 'jsonb':
    case 'json':
      return JSON.stringify({ from: 'previous-release', table });
    default:
      if (dataType === 'ARRAY') return '{}';
      return `${table}.${column}.${unique}`;
  }
}
