import { useEffect, useRef, useState } from "react";
import { onFileDrag, type DropPoint } from "../ipc";

/** The element matching `selector` under a point of the page, if any. */
export function dropTargetAt(point: DropPoint, selector: string): HTMLElement | null {
  const under = document.elementFromPoint(point.x, point.y);
  return under ? under.closest<HTMLElement>(selector) : null;
}

/**
 * Files dragged from the desktop onto an element matching `selector` (the window gets the drop with
 * the files' paths, and the point says where it landed): `onDrop` receives the paths and that
 * element. Returns the element a drag is over now, to highlight it.
 */
export function useFileDrop(selector: string, onDrop: (paths: string[], target: HTMLElement) => void): HTMLElement | null {
  const [over, setOver] = useState<HTMLElement | null>(null);
  const onDropRef = useRef(onDrop);
  useEffect(() => {
    onDropRef.current = onDrop;
  });
  useEffect(
    () =>
      onFileDrag((drag) => {
        if (drag.type === "leave") {
          setOver(null);
          return;
        }
        const target = dropTargetAt(drag.point, selector);
        if (drag.type === "over") {
          setOver(target);
          return;
        }
        setOver(null);
        if (target) onDropRef.current(drag.paths, target);
      }),
    [selector],
  );
  return over;
}
