import { useEffect, useState, type RefObject } from "react";

/** How far outside the visible area an element starts counting as in view (loads just before). */
const MARGIN = "200px";

/**
 * Whether `ref`'s element has come into view (it stays true afterwards). Without
 * IntersectionObserver everything counts as in view.
 */
export function useInView(ref: RefObject<Element | null>): boolean {
  const [seen, setSeen] = useState(() => typeof IntersectionObserver === "undefined");
  useEffect(() => {
    const element = ref.current;
    if (seen || !element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setSeen(true);
      },
      { rootMargin: MARGIN },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, seen]);
  return seen;
}
