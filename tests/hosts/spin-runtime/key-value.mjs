// `fermyon:spin/key-value@2.0.0` for a Spin component run by `jco serve`: an in-memory store
// per label, living as long as the process — what `spin up` gives with its default SQLite store,
// minus persistence. Wired in by tests/hosts/spin.mjs with `--jco-map`.
const stores = new Map();

export class Store {
  #entries;

  constructor(entries) {
    this.#entries = entries;
  }

  static open(label) {
    if (label !== "default") {
      // Spin grants only the stores listed in the component's `key_value_stores`.
      throw { tag: "no-such-store" };
    }
    if (!stores.has(label)) stores.set(label, new Map());
    return new Store(stores.get(label));
  }

  get(key) {
    const value = this.#entries.get(key);
    return value === undefined ? undefined : new Uint8Array(value);
  }

  set(key, value) {
    this.#entries.set(key, new Uint8Array(value));
  }

  delete(key) {
    this.#entries.delete(key);
  }

  exists(key) {
    return this.#entries.has(key);
  }

  getKeys() {
    return [...this.#entries.keys()];
  }
}
