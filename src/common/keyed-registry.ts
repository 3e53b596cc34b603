/**
 * The map behind the app's registries (campaign totals, supporter activity, report sections, exports):
 * features add their entry at start, and a key added twice stops the boot — two features claiming one
 * key would otherwise silently replace each other's data. Iterates in the order entries were added.
 */
export class KeyedRegistry<K extends string, V> {
  private readonly entries = new Map<K, V>();

  /** `what` names the registry in the error: `campaign totals`. */
  constructor(private readonly what: string) {}

  add(key: K, value: V): void {
    if (this.entries.has(key)) throw new Error(`${this.what}: ${key} is registered twice`);
    this.entries.set(key, value);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  values(): V[] {
    return [...this.entries.values()];
  }
}
