/**
 * Compares a Kysely database interface (read with the TypeScript checker, so aliases and
 * shared table types resolve) with the tables a migrated SQLite file really has
 * (`PRAGMA table_info`): the same tables, the same columns, and `| null` exactly where the
 * column may hold NULL. Each difference is one line naming the table and column.
 */
import type BetterSqlite3 from 'better-sqlite3';
import ts from 'typescript';

interface TsColumn {
  nullable: boolean;
}

/** Table → column → what the TypeScript type says, from `export interface <name>` in `file`. */
export function kyselyTables(file: string, name: string): Map<string, Map<string, TsColumn>> {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const db = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (!db) throw new Error(`${file} has no interface ${name}`);
  const tables = new Map<string, Map<string, TsColumn>>();
  for (const table of checker.getTypeAtLocation(db).getProperties()) {
    const tableType = checker.getTypeOfSymbolAtLocation(table, db);
    const columns = new Map<string, TsColumn>();
    for (const column of tableType.getProperties()) {
      const type = checker.getTypeOfSymbolAtLocation(column, db);
      const parts = type.isUnion() ? type.types : [type];
      columns.set(column.name, { nullable: parts.some((p) => (p.flags & ts.TypeFlags.Null) !== 0) });
    }
    tables.set(table.name, columns);
  }
  return tables;
}

/** Every way the file's tables and the interface disagree (empty when they match). */
export function schemaDrift(
  sqlite: BetterSqlite3.Database,
  declared: Map<string, Map<string, TsColumn>>,
  ignoreTables: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  const actual = (
    sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as {
      name: string;
    }[]
  )
    .map((r) => r.name)
    .filter((t) => !ignoreTables.includes(t));
  for (const table of actual) if (!declared.has(table)) problems.push(`${table}: in the database, not in the types`);
  for (const [table, columns] of declared) {
    if (!actual.includes(table)) {
      problems.push(`${table}: in the types, not in the database`);
      continue;
    }
    const info = sqlite.prepare(`SELECT name, "notnull" AS not_null, pk FROM pragma_table_info(?)`).all(table) as {
      name: string;
      not_null: number;
      pk: number;
    }[];
    for (const c of info) {
      const ts = columns.get(c.name);
      if (!ts) {
        problems.push(`${table}.${c.name}: in the database, not in the types`);
        continue;
      }
      // An INTEGER PRIMARY KEY is the rowid: never NULL, though SQLite does not mark it NOT NULL.
      const mayBeNull = c.not_null === 0 && c.pk === 0;
      if (mayBeNull !== ts.nullable)
        problems.push(
          `${table}.${c.name}: ${mayBeNull ? 'may be NULL in the database, but its type has no | null' : 'NOT NULL in the database, but its type allows null'}`,
        );
    }
    for (const name of columns.keys())
      if (!info.some((c) => c.name === name)) problems.push(`${table}.${name}: in the types, not in the database`);
  }
  return problems.sort();
}
