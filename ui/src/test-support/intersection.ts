// jsdom has no IntersectionObserver: this one records what is observed and lets a test say when
// an element scrolls into view.
import { vi } from "vitest";

type Callback = (entries: { isIntersecting: boolean; target: Element }[]) => void;

const observed = new Map<Element, Callback>();

class TestIntersectionObserver {
  constructor(private readonly callback: Callback) {}
  observe(element: Element) {
    observed.set(element, this.callback);
  }
  disconnect() {
    for (const [element, callback] of observed) if (callback === this.callback) observed.delete(element);
  }
  unobserve(element: Element) {
    observed.delete(element);
  }
}

/** Installs the observer; call in `beforeEach`. */
export function installIntersectionObserver() {
  observed.clear();
  vi.stubGlobal("IntersectionObserver", TestIntersectionObserver);
}

/** Tells every observer that `element` is now in view. */
export function scrollIntoView(element: Element) {
  observed.get(element)?.([{ isIntersecting: true, target: element }]);
}

/** How many elements are waiting to come into view. */
export function waitingToBeSeen(): number {
  return observed.size;
}
