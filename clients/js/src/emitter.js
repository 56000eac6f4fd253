// A small event emitter: on() returns a function that removes the listener. A listener that
// throws does not break the caller; the error goes to `onListenerError`.
export class Emitter {
  #listeners = new Map();

  /** @param {(error: unknown, event: string) => void} [onListenerError] */
  constructor(onListenerError) {
    this.onListenerError = onListenerError ?? ((error) => console.error(error));
  }

  on(event, listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  once(event, listener) {
    const off = this.on(event, (...args) => {
      off();
      listener(...args);
    });
    return off;
  }

  off(event, listener) {
    this.#listeners.get(event)?.delete(listener);
  }

  emit(event, ...args) {
    const set = this.#listeners.get(event);
    if (!set) return false;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
    return set.size > 0;
  }
}
