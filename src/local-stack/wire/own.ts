/**
 * The member `name` of a table keyed by names that come from a request or a template, if the table has it
 * itself. A plain lookup (`table[name]`) also finds what every object inherits (`constructor`, `toString`,
 * `__proto__`), which would make a call to an operation named "constructor" run Object's constructor.
 */
export function ownMember<T>(table: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
}
