/**
 * The raw-SQL toolkit every feature's `<feature>.sql.ts` builds on (see docs/architecture.md, "Hot
 * paths"): one typed way to run a raw query, and a parameter allocator so no statement numbers its
 * `$n` by hand.
 */

/** Anything that runs SQL: a DataSource, a transaction's EntityManager, a QueryRunner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** The one typed raw query: the rows of `sql` as `Row` (PostgreSQL decides their shape; say it once here). */
export async function query<Row>(
  db: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  return (await db.query(sql, [...params])) as Row[];
}

/**
 * Numbers the parameters of a statement by name: `ref('email')` is the `$n` of `email`, allocated at
 * its first use (the same name is the same `$n` however often it is used); {@link bind} lists a call's
 * values in that order. Builders in different modules embed each other's SQL by passing the allocator
 * along, so none of them knows or fixes another's positions. Sealed once the statement is built: a
 * reference after that (a builder run lazily) throws instead of producing a `$n` nothing binds.
 */
export class SqlParams<P> {
  private readonly names: (keyof P & string)[] = [];
  private sealed = false;

  ref(name: keyof P & string): string {
    let i = this.names.indexOf(name);
    if (i < 0) {
      if (this.sealed) throw new Error(`parameter ${name} referenced after its statement was built`);
      i = this.names.push(name) - 1;
    }
    return `$${i + 1}`;
  }

  /** The names in `$n` order. */
  get order(): readonly (keyof P & string)[] {
    return this.names;
  }

  seal(): this {
    this.sealed = true;
    return this;
  }

  /** The values of `values` in `$n` order; a name the statement uses but `values` lacks is an error. */
  bind(values: P): unknown[] {
    return this.names.map((name) => {
      if (!(name in (values as object))) throw new Error(`no value for parameter ${name}`);
      return values[name];
    });
  }
}

/**
 * A statement built once (at module load) with named parameters: its `text` is what PostgreSQL
 * receives (and what `src/queries/<name>.sql` holds), `bind` turns a call's named values into the
 * positional ones, and `Row` is the type of its rows. HotQueries runs it as the named prepared
 * statement `name`.
 */
export interface Statement<P, Row> {
  readonly name: string;
  readonly text: string;
  bind(values: P): unknown[];
  /** Type only: the row this statement answers. */
  readonly row?: Row;
}

export function statement<P, Row>(name: string, build: (p: SqlParams<P>) => string): Statement<P, Row> {
  const params = new SqlParams<P>();
  const text = build(params);
  params.seal();
  return { name, text, bind: (values) => params.bind(values) };
}
