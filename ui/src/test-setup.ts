import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => cleanup());

// jsdom lays nothing out, so it has no scrolling; the views call it after rendering.
Element.prototype.scrollIntoView = function scrollIntoView() {};
